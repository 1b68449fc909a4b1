// The words and levels of the Overview's tiles, from the latest sample.
// Every tile has a level (colour and icon) and words, never colour alone.
import { bytes, duration, listWords, percent } from '../../format';
import type { Alert, Disk, DiskForecast, Sample } from '../../ipc';
import { fullness, type Level } from '../../status';

export interface Tile {
  level: Level;
  /** The badge's words: "Almost full". */
  words: string;
  /** The figure in a sentence: "/ is 93 % full". */
  headline: string;
  /** One more line of context. */
  detail: string;
}

function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

/** The disk with the highest share used; the first listed on a tie. */
export function fullestDisk(disks: Disk[]): Disk | null {
  let fullest: Disk | null = null;
  for (const d of disks) {
    if (!fullest || d.used_percent > fullest.used_percent) fullest = d;
  }
  return fullest;
}

export function diskTile(disks: Disk[]): Tile {
  const d = fullestDisk(disks);
  if (!d) {
    return {
      level: 'neutral',
      words: 'No disks found',
      headline: 'No disks found',
      detail: 'Shipshape lists the disks mounted on this computer.',
    };
  }
  const state = fullness(d.used_percent);
  const others = disks.length > 1 ? ` The fullest of ${disks.length} disks.` : '';
  return {
    level: state.level,
    words: state.words,
    headline: `${d.mount_point} is ${Math.round(d.used_percent)} % full`,
    detail: `${bytes(d.free_bytes)} free of ${bytes(d.total_bytes)}.${others}`,
  };
}

/** How soon a forecast disk fills, as a level: within a week is urgent. */
export function forecastLevel(f: DiskForecast): Level {
  return f.days_left < 7 ? 'danger' : 'warning';
}

export function memoryTile(memory: Sample['memory']): Tile {
  const used = percent(memory.used_bytes, memory.total_bytes);
  const state = fullness(used);
  return {
    level: state.level,
    words: state.words,
    headline: `${bytes(memory.used_bytes)} of ${bytes(memory.total_bytes)} used`,
    detail: `${bytes(memory.available_bytes)} available for new programs (${used} % used).`,
  };
}

/** Programs running or waiting per core, over the last minute. */
export function loadPerCore(load: Sample['load'], cores: number): number {
  return cores > 0 ? load.one / cores : load.one;
}

export function cpuTile(cpu: Sample['cpu'], load: Sample['load']): Tile {
  const perCore = loadPerCore(load, cpu.cores);
  const [level, words]: [Level, string] =
    perCore >= 2 ? ['danger', 'Overloaded'] : perCore >= 1 ? ['warning', 'Busy'] : ['good', 'Keeping up'];
  return {
    level,
    words,
    headline: `${Math.round(cpu.total_percent)} % busy now`,
    detail: `Load ${load.one.toFixed(2)} on ${plural(cpu.cores, 'core')}; it keeps up below ${cpu.cores}.`,
  };
}

/** "Updates to linux-image and libc6 wait for a restart." */
export function rebootWords(packages: string[]): string {
  if (packages.length === 0) return 'Installed updates wait for a restart.';
  const SHOWN = 3;
  const named =
    packages.length <= SHOWN
      ? listWords(packages)
      : `${packages.slice(0, SHOWN).join(', ')} and ${plural(packages.length - SHOWN, 'other')}`;
  return `Updates to ${named} wait for a restart.`;
}

export function uptimeTile(uptimeSeconds: number, reboot: Sample['reboot']): Tile {
  return reboot.required
    ? {
        level: 'warning',
        words: 'Restart needed',
        headline: `Running for ${duration(uptimeSeconds)}`,
        detail: `${rebootWords(reboot.packages)} Restart when it suits you.`,
      }
    : {
        level: 'good',
        words: 'No restart needed',
        headline: `Running for ${duration(uptimeSeconds)}`,
        detail: 'No installed update is waiting for a restart.',
      };
}

export type AlertState = 'open' | 'acknowledged' | 'cleared';

export function alertState(a: Alert): AlertState {
  if (a.cleared) return 'cleared';
  return a.acknowledged ? 'acknowledged' : 'open';
}

export function alertsTile(alerts: Alert[]): Tile {
  const open = alerts.filter((a) => alertState(a) !== 'cleared');
  const unacknowledged = open.filter((a) => alertState(a) === 'open').length;
  if (open.length === 0) {
    return {
      level: 'good',
      words: 'None open',
      headline: 'No open alerts',
      detail: 'Shipshape is watching disks, memory, load and logins.',
    };
  }
  const headline = plural(open.length, 'open alert');
  if (unacknowledged > 0) {
    return {
      level: 'danger',
      words: 'Needs attention',
      headline,
      detail:
        unacknowledged === open.length ? 'Not acknowledged yet.' : `${unacknowledged} not acknowledged yet.`,
    };
  }
  return {
    level: 'warning',
    words: 'Acknowledged',
    headline,
    detail: 'Each clears by itself once the problem is gone.',
  };
}
