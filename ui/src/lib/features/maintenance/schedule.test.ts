import { AppError, type ScheduledJob } from '../../ipc';
import { dailyCheck, failingPatching, patchingJob, pausedScan, recommendedJobs, scanJob, unreadable } from './fixtures';
import {
  attentionLevel,
  canSave,
  dayWords,
  describeJob,
  formOf,
  initialSetup,
  jobOf,
  missedWords,
  nextWords,
  parseTime,
  pending,
  problemsOf,
  RECOMMENDED,
  recurrenceWords,
  restartSentence,
  scheduledKinds,
  soonest,
  stepProblems,
  transition,
  type JobForm,
  type Setup,
} from './schedule';

const local = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min);
const iso = (t: Date) => t.toISOString();
const err = new AppError({ code: 'needs_admin', message: 'No password was given.', hint: 'Try again.' });

/** The wizard at its summary with the recommended jobs. */
function atSummary(s: Setup = initialSetup()): Setup {
  for (let i = 0; i < 3; i += 1) s = transition(s, { type: 'next' });
  return s;
}

describe('times', () => {
  it('reads HH:MM on the 24-hour clock, and nothing else', () => {
    expect(parseTime('02:30')).toBe('02:30');
    expect(parseTime(' 2:30 ')).toBe('02:30');
    expect(parseTime('23:59')).toBe('23:59');
    for (const bad of ['25:00', '2pm', '', '12:60', '12', '12:5', '1230']) expect(parseTime(bad)).toBeNull();
  });

  it('says when in local time, as a person says it', () => {
    const now = local(2026, 3, 4, 10, 0); // a Wednesday
    expect(dayWords(iso(local(2026, 3, 4, 23, 5)), now)).toBe('Today at 23:05');
    expect(dayWords(iso(local(2026, 3, 5, 2, 0)), now)).toBe('Tomorrow at 02:00');
    expect(dayWords(iso(local(2026, 3, 3, 2, 4)), now)).toBe('Yesterday at 02:04');
    expect(dayWords(iso(local(2026, 3, 9, 5, 0)), now)).toBe('Monday at 05:00');
    expect(dayWords(iso(local(2026, 3, 11, 5, 0)), now)).toBe('Wednesday 11 March at 05:00');
    expect(dayWords(iso(local(2027, 1, 4, 5, 0)), now)).toBe('Monday 4 January 2027 at 05:00');
    expect(nextWords(iso(now), now)).toBe('Due now');
    expect(nextWords(iso(local(2026, 3, 4, 9, 0)), now)).toBe('Due now');
    expect(nextWords(iso(local(2026, 3, 5, 6, 0)), now)).toBe('Tomorrow at 06:00');
    expect(nextWords('soon', now)).toBe('soon');
  });
});

describe('plain words', () => {
  it('describes a job as the app does', () => {
    expect(describeJob(patchingJob)).toBe(
      'Install security updates: every Tuesday and Thursday at 02:00, only between 02:00 and 04:00',
    );
    expect(describeJob(scanJob)).toBe('Check security settings: every Monday at 05:00 (paused)');
    expect(recurrenceWords({ every: 'week', days: ['fri', 'Monday', 'wed'], at: '08:05' })).toBe(
      'Every Monday, Wednesday and Friday at 08:05',
    );
    expect(recurrenceWords({ every: 'week', days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], at: '01:00' })).toBe(
      'Every day at 01:00',
    );
    expect(recurrenceWords({ every: 'month', day: 1, at: '03:00' })).toBe('Every month on the 1st at 03:00');
    expect(recurrenceWords({ every: 'month', day: 22, at: '03:00' })).toBe('Every month on the 22nd at 03:00');
    expect(recurrenceWords({ every: 'month', day: 13, at: '03:00' })).toBe('Every month on the 13th at 03:00');
    expect(restartSentence(patchingJob)).toBe('Restart only when nobody is logged in at the screen.');
    expect(restartSentence(scanJob)).toBeNull();
    expect(missedWords(1)).toMatch(/^1 run was missed/);
    expect(missedWords(3)).toMatch(/^3 runs were missed/);
  });

  it('shows a failed run or an unreadable job in red, missed runs in amber', () => {
    expect(attentionLevel(failingPatching)).toBe('danger');
    expect(attentionLevel(unreadable)).toBe('danger');
    expect(attentionLevel({ ...dailyCheck, missed: 4, attention: 'It missed 4 runs in a row.' })).toBe('warning');
  });

  it('finds the soonest next run among the jobs not paused', () => {
    expect(soonest([failingPatching, dailyCheck, pausedScan, unreadable])).toBe(dailyCheck);
    expect(soonest([pausedScan, unreadable])).toBeNull();
    expect(scheduledKinds([failingPatching, unreadable, pausedScan])).toEqual(['security_patching', 'security_scan']);
  });
});

describe('the form', () => {
  const form = (fields: Partial<JobForm>): JobForm => ({ ...RECOMMENDED.security_patching.form, ...fields });

  it('refuses what the app refuses, in its words', () => {
    expect(problemsOf(form({}))).toEqual([]);
    expect(problemsOf(form({ at: '25:00' }))).toEqual([
      {
        field: 'at',
        message: '"25:00" is not a time of day.',
        hint: 'Write it as HH:MM on the 24-hour clock, for example 02:30.',
      },
    ]);
    expect(problemsOf(form({ every: 'week', days: [] }))[0]).toMatchObject({
      field: 'days',
      message: 'A weekly job needs at least one day.',
    });
    expect(problemsOf(form({ every: 'month', monthDay: 31 }))[0]).toEqual({
      field: 'monthDay',
      message: 'Day 31 is not in every month.',
      hint: 'Choose a day from 1 to 28.',
    });
    expect(problemsOf(form({ every: 'month', monthDay: 0 }))[0].field).toBe('monthDay');
    expect(problemsOf(form({ every: 'month', monthDay: null }))[0].message).toBe('No day of the month was given.');
    expect(problemsOf(form({ every: 'month', monthDay: 28 }))).toEqual([]);
    // Days and a month day only count for their own kind of recurrence.
    expect(problemsOf(form({ every: 'day', days: [], monthDay: 40 }))).toEqual([]);
    expect(problemsOf(form({ from: '03:00', to: '3:00' }))).toEqual([
      {
        field: 'to',
        message: 'A maintenance window must not start and end at the same time.',
        hint: 'Give a window such as 02:00 to 04:00, or none for any time.',
      },
    ]);
    expect(problemsOf(form({ from: 'late', to: '04:00' })).map((p) => p.field)).toEqual(['from']);
    // A window left off is not checked.
    expect(problemsOf(form({ windowOn: false, from: '03:00', to: '03:00' }))).toEqual([]);
    // Over midnight is fine.
    expect(problemsOf(form({ from: '22:00', to: '04:00' }))).toEqual([]);
  });

  it('makes the job the form says, tidied, and reads a job back', () => {
    expect(jobOf(form({ at: '2:00', from: ' 2:00', to: '04:00' }))).toEqual({
      kind: 'security_patching',
      recurrence: { every: 'day', at: '02:00' },
      window: { from: '02:00', to: '04:00' },
      restart: 'when_nobody_is_at_the_screen',
      paused: false,
    });
    expect(jobOf(form({ every: 'week', days: ['thu', 'tue'], windowOn: false })).recurrence).toEqual({
      every: 'week',
      days: ['tue', 'thu'],
      at: '02:00',
    });
    expect(jobOf(form({ windowOn: false })).window).toBeNull();
    const jobs: ScheduledJob[] = [
      patchingJob,
      scanJob,
      { ...scanJob, recurrence: { every: 'month', day: 14, at: '04:30' }, paused: false },
    ];
    for (const job of jobs) expect(jobOf(formOf(job))).toEqual(job);
    expect(formOf({ ...scanJob, recurrence: { every: 'week', days: ['Tuesday'], at: '01:00' } }).days).toEqual(['tue']);
  });
});

describe('the set-up wizard', () => {
  it('starts with the recommended jobs and adds each with one change', () => {
    const s = atSummary();
    expect(s.step).toBe(4);
    expect(canSave(s)).toBe(true);
    expect(pending(s)).toEqual(recommendedJobs.map((job) => ({ kind: job.kind, change: { kind: 'add', job } })));
    // Each recommendation explains itself.
    for (const r of Object.values(RECOMMENDED)) expect(r.why.length).toBeGreaterThan(0);
    expect(RECOMMENDED.security_patching.why).toHaveLength(3);
  });

  it('does not share the recommended defaults between wizards', () => {
    const s = initialSetup();
    s.jobs[0].form.at = '07:00';
    expect(initialSetup().jobs[0].form.at).toBe('06:00');
  });

  it('leaves out the kinds scheduled already, and what the user leaves out', () => {
    let s = initialSetup(['update_check']);
    expect(s.jobs.map((j) => [j.kind, j.include, j.existing])).toEqual([
      ['update_check', false, true],
      ['security_patching', true, false],
      ['security_scan', true, false],
    ]);
    s.jobs[2].include = false;
    s = atSummary(s);
    expect(pending(s).map((p) => p.kind)).toEqual(['security_patching']);
    s.jobs[1].include = false;
    expect(canSave(s)).toBe(false);
  });

  it('goes back without losing what was typed, and never past step 1', () => {
    let s = initialSetup();
    expect(transition(s, { type: 'back' })).toBe(s);
    s = transition(s, { type: 'next' });
    s.jobs[1].form.at = '03:00';
    s = transition(s, { type: 'next' });
    s = transition(s, { type: 'back' });
    expect(s.step).toBe(2);
    expect(s.jobs[1].form.at).toBe('03:00');
    expect(transition(s, { type: 'saving' })).toBe(s);
  });

  it('stays on a step with something wrong and says what, once Next was pressed', () => {
    let s = initialSetup();
    s.jobs[0].form.at = '6 o’clock';
    expect(stepProblems(s)).toEqual([]);
    s = transition(s, { type: 'next' });
    expect(s.step).toBe(1);
    expect(s.tried).toBe(true);
    expect(stepProblems(s).map((p) => p.message)).toEqual(['"6 o’clock" is not a time of day.']);
    // A job left out is not checked.
    s.jobs[0].include = false;
    expect(stepProblems(s)).toEqual([]);
    s = transition(s, { type: 'next' });
    expect(s.step).toBe(2);
    expect(s.tried).toBe(false);
  });

  it('stops at the first refusal, keeps what was saved, and sends only the rest again', () => {
    let s = transition(atSummary(), { type: 'saving' });
    expect(s.saving).toBe(true);
    // Back and a second save wait while saving.
    expect(transition(s, { type: 'back' })).toBe(s);
    expect(transition(s, { type: 'saving' })).toBe(s);
    s = transition(s, { type: 'saved', kind: 'update_check' });
    s = transition(s, { type: 'failed', kind: 'security_patching', error: err });
    expect(s).toMatchObject({ saving: false, done: false, error: { kind: 'security_patching', error: err } });
    expect(s.jobs.map((j) => j.saved)).toEqual([true, false, false]);
    expect(pending(s).map((p) => p.kind)).toEqual(['security_patching', 'security_scan']);
    expect(canSave(s)).toBe(true);

    s = transition(s, { type: 'saving' });
    expect(s.error).toBeNull();
    s = transition(s, { type: 'saved', kind: 'security_patching' });
    s = transition(s, { type: 'saved', kind: 'security_scan' });
    s = transition(s, { type: 'finished' });
    expect(s).toMatchObject({ saving: false, done: true });
    expect(pending(s)).toEqual([]);
    expect(canSave(s)).toBe(false);
  });

  it('ignores answers that come when it is not saving', () => {
    const s = atSummary();
    expect(transition(s, { type: 'saved', kind: 'update_check' })).toBe(s);
    expect(transition(s, { type: 'failed', kind: 'update_check', error: err })).toBe(s);
    expect(transition(s, { type: 'finished' })).toBe(s);
    expect(transition(s, { type: 'next' })).toBe(s);
  });
});
