// Words for roll-outs: where a roll-out is, and how each computer's part stands.
import type { RolloutPartState, RolloutStatus } from '../../ipc';
import type { Level } from '../../status';

type Said = { words: string; level: Level };

export const STATUS: Record<RolloutStatus, Said> = {
  running: { words: 'Going on', level: 'neutral' },
  unreachable: { words: 'Waiting for computers to be reachable', level: 'warning' },
  soaking: { words: 'Being watched', level: 'neutral' },
  waiting: { words: 'Waiting for your approval', level: 'warning' },
  done: { words: 'Done', level: 'good' },
  halted: { words: 'Halted', level: 'danger' },
  rolled_back: { words: 'Rolled back', level: 'neutral' },
};

export const PART: Record<RolloutPartState, Said> = {
  waiting: { words: 'Not begun', level: 'neutral' },
  unreachable: { words: 'Not reached yet', level: 'warning' },
  done: { words: 'Done, healthy', level: 'good' },
  already_there: { words: 'Had it already', level: 'good' },
  failed: { words: 'Failed', level: 'danger' },
  rolled_back: { words: 'Rolled back', level: 'neutral' },
};
