// The Overview's security tile, from the latest scan.
import { localTime } from '../../format';
import type { AppError, Scan } from '../../ipc';
import type { Level } from '../../status';
import { attention } from './findings';
import { scoreWords } from './labels';

/** What the Overview knows of the latest scan. */
export type SecurityState =
  | { state: 'loading' }
  | { state: 'none' }
  | { state: 'scored'; scan: Scan }
  | { state: 'error'; error: AppError };

export interface SecurityTile {
  level: Level;
  words: string;
  headline: string;
  detail: string;
  /** The link's words, to the Security screen. */
  link: string;
}

export function securityTile(s: SecurityState): SecurityTile {
  switch (s.state) {
    case 'scored': {
      const w = scoreWords(s.scan.score);
      const n = attention(s.scan.counts);
      const toLook = n === 0 ? 'Nothing to fix.' : `${n} ${n === 1 ? 'finding' : 'findings'} to look at.`;
      return {
        level: w.level,
        words: w.words,
        headline: `Score ${s.scan.score} of 100`,
        detail: `${toLook} Checked ${localTime(s.scan.time)}.`,
        link: 'See the findings',
      };
    }
    case 'none':
      return {
        level: 'neutral',
        words: 'No score yet',
        headline: 'Not checked yet',
        detail: "A check of this computer's settings takes a few seconds and changes nothing.",
        link: 'Check this computer',
      };
    case 'error':
      return {
        level: 'neutral',
        words: 'Could not read',
        headline: 'Score not available',
        detail: s.error.message,
        link: 'Go to Security',
      };
    default:
      return { level: 'neutral', words: 'Reading', headline: 'Reading the last check…', detail: '', link: 'Go to Security' };
  }
}
