// The Security screen's words: the score, severities, statuses and areas,
// each in plain language, with a level (colour and icon) where one applies.
import type { Area, Severity, Status } from '../../ipc';
import type { Level } from '../../status';

export interface ScoreWords {
  level: Level;
  /** "Well protected". */
  words: string;
  /** One sentence on what the score means. */
  sentence: string;
}

/** The score in words: 90+ well protected, 70–89 mostly, 50–69 needs work, below 50 at risk. */
export function scoreWords(score: number): ScoreWords {
  if (score >= 90) {
    return { level: 'good', words: 'Well protected', sentence: 'This computer is set up safely. Keep it that way.' };
  }
  if (score >= 70) {
    return {
      level: 'warning',
      words: 'Mostly protected',
      sentence: 'A few settings leave this computer open to attack. Fix the most serious ones first.',
    };
  }
  if (score >= 50) {
    return {
      level: 'warning',
      words: 'Needs work',
      sentence: 'Several settings leave this computer open to attack. Start with the ones to fix today.',
    };
  }
  return {
    level: 'danger',
    words: 'At risk',
    sentence: 'This computer is easy to attack as it is. Fix the critical findings today.',
  };
}

/** Worst first, as the groups are shown. */
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

export const SEVERITY: Record<Severity, { name: string; advice: string; level: Level }> = {
  critical: { name: 'Critical', advice: 'Fix these today', level: 'danger' },
  high: { name: 'High', advice: 'Fix these this week', level: 'danger' },
  medium: { name: 'Medium', advice: 'Plan these', level: 'warning' },
  low: { name: 'Low', advice: 'When you have time', level: 'neutral' },
};

export const STATUS: Record<Status, { words: string; level: Level }> = {
  fail: { words: 'Needs fixing', level: 'danger' },
  warning: { words: 'Worth a look', level: 'warning' },
  pass: { words: 'Passed', level: 'good' },
  needs_admin: { words: 'Needs admin rights', level: 'neutral' },
  error: { words: 'Could not check', level: 'neutral' },
  not_applicable: { words: 'Does not apply', level: 'neutral' },
  accepted: { words: 'Accepted risk', level: 'neutral' },
};

export const AREA: Record<Area, string> = {
  accounts: 'Accounts and passwords',
  ssh: 'Remote login (SSH)',
  firewall: 'Firewall',
  updates: 'Updates',
  services: 'Services and open ports',
  files: 'File permissions',
  kernel: 'System settings (kernel)',
  logging: 'Logs and auditing',
  time: 'Clock',
  boot: 'Start-up (boot loader)',
  encryption: 'Disk encryption',
  desktop: 'Desktop',
  integrity: 'Malware and integrity tools',
  banners: 'Login messages',
};

export const AREAS = Object.keys(AREA) as Area[];

/** "3 points", "0.5 points", "1 point". */
export function pointsWords(points: number): string {
  const shown = Number.isInteger(points) ? String(points) : points.toFixed(1);
  return `${shown} ${points === 1 ? 'point' : 'points'}`;
}

/** Where a piece of evidence is: "/etc/ssh/sshd_config:12", or the command. */
export function evidenceSource(source: string, line: number | null): string {
  return line === null ? source : `${source}:${line}`;
}
