// The alert rule form: what the fields hold, what is wrong with them, and
// the change to send. The app checks again and has the last word.
import type { Rule, RuleChange, RuleKind } from '../../ipc';

export type DurationUnit = 'seconds' | 'minutes';

export interface RuleForm {
  enabled: boolean;
  /** A number input's value: null or undefined while it is empty. */
  threshold: number | null | undefined;
  duration: number | null | undefined;
  unit: DurationUnit;
}

export interface RuleErrors {
  threshold?: string;
  duration?: string;
}

/** The longest a rule may wait before raising its alert. */
export const MAX_DURATION_SECONDS = 24 * 3600;

/** The form as the rule stands: whole minutes in minutes, else seconds. */
export function formOf(rule: Rule): RuleForm {
  const minutes = rule.duration_seconds >= 60 && rule.duration_seconds % 60 === 0;
  return {
    enabled: rule.enabled,
    threshold: rule.threshold,
    duration: minutes ? rule.duration_seconds / 60 : rule.duration_seconds,
    unit: minutes ? 'minutes' : 'seconds',
  };
}

/** The duration in seconds, or null when the field does not hold a number. */
export function durationSeconds(form: Pick<RuleForm, 'duration' | 'unit'>): number | null {
  const d = form.duration;
  if (d === null || d === undefined || !Number.isFinite(d)) return null;
  return Math.round(form.unit === 'minutes' ? d * 60 : d);
}

/** The thresholds each kind accepts, in words for the hint. */
function thresholdProblem(kind: RuleKind, t: number): string | null {
  switch (kind) {
    case 'disk_full':
    case 'memory_pressure':
      return t > 0 && t < 100 ? null : 'Enter a number between 0 and 100.';
    case 'failed_logins':
      return t >= 1 ? null : 'Enter 1 or more.';
    default:
      return t > 0 ? null : 'Enter a number above 0.';
  }
}

/** What is wrong with each field; empty when the form can be saved. */
export function validate(kind: RuleKind, form: RuleForm): RuleErrors {
  const errors: RuleErrors = {};
  const t = form.threshold;
  if (t === null || t === undefined || !Number.isFinite(t)) {
    errors.threshold = 'Enter a number.';
  } else {
    const problem = thresholdProblem(kind, t);
    if (problem) errors.threshold = problem;
  }
  const raw = form.duration;
  const seconds = durationSeconds(form);
  if (seconds === null) {
    errors.duration = 'Enter how long, or 0 to alert at once.';
  } else if (raw! < 0) {
    errors.duration = 'Enter 0 or more.';
  } else if (form.unit === 'seconds' && !Number.isInteger(raw)) {
    errors.duration = 'Enter whole seconds.';
  } else if (seconds > MAX_DURATION_SECONDS) {
    errors.duration = 'Enter at most 24 hours (1440 minutes).';
  }
  return errors;
}

export function hasErrors(errors: RuleErrors): boolean {
  return errors.threshold !== undefined || errors.duration !== undefined;
}

/** Only what differs from the rule; null when nothing does. */
export function changeOf(rule: Rule, form: RuleForm): RuleChange | null {
  const change: RuleChange = {};
  if (form.enabled !== rule.enabled) change.enabled = form.enabled;
  if (form.threshold !== null && form.threshold !== undefined && form.threshold !== rule.threshold) {
    change.threshold = form.threshold;
  }
  const seconds = durationSeconds(form);
  if (seconds !== null && seconds !== rule.duration_seconds) change.duration_seconds = seconds;
  return Object.keys(change).length === 0 ? null : change;
}

/** "at once", "after 90 seconds", "after 15 minutes". */
export function durationWords(seconds: number): string {
  if (seconds === 0) return 'at once';
  if (seconds % 60 === 0) {
    const m = seconds / 60;
    return `after ${m} minute${m === 1 ? '' : 's'}`;
  }
  return `after ${seconds} second${seconds === 1 ? '' : 's'}`;
}
