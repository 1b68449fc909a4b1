// How a system's support stands, in words with a level; core decides the
// standing (`eol::SupportLevel`), the Office and Computers screens show it.
import type { SupportLevel } from './ipc';
import type { Level } from './status';

export const SUPPORT: Record<SupportLevel, { level: Level; words: string }> = {
  supported: { level: 'good', words: 'Supported' },
  ending: { level: 'warning', words: 'Support ending' },
  ended: { level: 'danger', words: 'No longer supported' },
  unknown: { level: 'neutral', words: 'Support not known' },
};
