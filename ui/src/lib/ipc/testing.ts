// Test helpers for component tests: answer the app's commands in-process.
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import type { ErrorBody } from './index';

export type Handler = (args: Record<string, unknown>) => unknown;

/** Answers each command with its handler; an unknown command fails the test. */
export function mockCommands(handlers: Record<string, Handler>): void {
  mockIPC((cmd, args) => {
    const handler = handlers[cmd];
    if (!handler) throw new Error(`unexpected command ${cmd}`);
    return handler((args ?? {}) as Record<string, unknown>);
  });
}

/** What a failing command rejects with. */
export function failWith(body: ErrorBody): never {
  throw body;
}

export { clearMocks };
