// Test helpers for component tests: answer the app's commands in-process.
import { emit } from '@tauri-apps/api/event';
import { clearMocks, mockIPC, mockWindows } from '@tauri-apps/api/mocks';
import type { Command } from './commands';
import type { ErrorBody, JobProgress, Overview } from './index';

export type Handler = (args: Record<string, unknown>) => unknown;

/**
 * Answers each command with its handler; an unknown command fails the test.
 * Events (listen, emit) are handled in-process, so `dropFiles` reaches the
 * screens' drop listeners.
 */
export function mockCommands(handlers: Partial<Record<Command, Handler>>): void {
  mockWindows('main');
  mockIPC(
    (cmd, args) => {
      const handler = handlers[cmd as Command];
      if (!handler) throw new Error(`unexpected command ${cmd}`);
      return handler((args ?? {}) as Record<string, unknown>);
    },
    { shouldMockEvents: true },
  );
}

/** The arguments each command was called with, in order, by command name. */
export type Calls = Record<string, Record<string, unknown>[]>;

/** Like mockCommands, and records every call's arguments. */
export function recordCommands(handlers: Partial<Record<Command, Handler>>): Calls {
  const calls: Calls = {};
  const recorded: Partial<Record<Command, Handler>> = {};
  for (const [cmd, handler] of Object.entries(handlers) as [Command, Handler][]) {
    recorded[cmd] = (args) => {
      (calls[cmd] ??= []).push(args);
      return handler(args);
    };
  }
  mockCommands(recorded);
  return calls;
}

/** What a failing command rejects with. */
export function failWith(body: ErrorBody): never {
  throw body;
}

/** A command the test answers by hand: its handler, and what to answer or fail with. */
export function pendingJob<T>() {
  let finish: (value: T) => void = () => {};
  let fail: (reason: unknown) => void = () => {};
  const handler: Handler = () =>
    new Promise<T>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
  return { handler, finish: (v: T) => finish(v), fail: (r: unknown) => fail(r) };
}

/** Sends progress to a job's channel, as the app does while it works. */
export function report(args: Record<string, unknown>, progress: JobProgress): void {
  const channel = args.progress as { onmessage: (p: JobProgress) => void };
  channel.onmessage(progress);
}

/** Drops files on the window, as Tauri reports a drop from the desktop. */
export async function dropFiles(paths: string[]): Promise<void> {
  await emit('tauri://drag-drop', { paths, position: { x: 10, y: 10 } });
}

export { clearMocks };

/** Sends a new Overview, as the app does after each sample it takes. */
export async function emitHealth(overview: Overview): Promise<void> {
  await emit('health', overview);
}

interface Internals {
  invoke: (cmd: string, args?: Record<string, unknown>, options?: unknown) => Promise<unknown>;
}

/** Records the event calls (listen, unlisten) made from now on, by event name. */
export function recordEvents(): { cmd: string; event: unknown }[] {
  const internals = (window as unknown as { __TAURI_INTERNALS__: Internals }).__TAURI_INTERNALS__;
  const seen: { cmd: string; event: unknown }[] = [];
  const inner = internals.invoke;
  internals.invoke = (cmd, args, options) => {
    if (cmd.startsWith('plugin:event|')) seen.push({ cmd: cmd.slice('plugin:event|'.length), event: args?.event });
    return inner(cmd, args, options);
  };
  return seen;
}
