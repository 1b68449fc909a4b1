import { changeOf, durationSeconds, durationWords, formOf, hasErrors, validate, type RuleForm } from './rules';
import { rules } from './fixtures';

const [disk, logins] = rules;
const form = (over: Partial<RuleForm> = {}): RuleForm => ({ ...formOf(disk), ...over });

describe('rule form', () => {
  it('shows whole minutes in minutes, else seconds', () => {
    expect(formOf(disk)).toEqual({ enabled: true, threshold: 90, duration: 1, unit: 'minutes' });
    expect(formOf(logins)).toEqual({ enabled: true, threshold: 5, duration: 0, unit: 'seconds' });
    expect(formOf({ ...disk, duration_seconds: 90 })).toMatchObject({ duration: 90, unit: 'seconds' });
  });

  it('turns the duration into seconds', () => {
    expect(durationSeconds({ duration: 15, unit: 'minutes' })).toBe(900);
    expect(durationSeconds({ duration: 1.5, unit: 'minutes' })).toBe(90);
    expect(durationSeconds({ duration: 45, unit: 'seconds' })).toBe(45);
    expect(durationSeconds({ duration: null, unit: 'seconds' })).toBeNull();
    expect(durationSeconds({ duration: undefined, unit: 'minutes' })).toBeNull();
  });

  it('accepts what the app accepts', () => {
    expect(validate('disk_full', form())).toEqual({});
    expect(validate('disk_full', form({ threshold: 99.5 }))).toEqual({});
    expect(validate('failed_logins', { ...formOf(logins), threshold: 1 })).toEqual({});
    expect(validate('sustained_load', form({ threshold: 0.5 }))).toEqual({});
    expect(validate('disk_full', form({ duration: 24 * 60 }))).toEqual({});
  });

  it('says what is wrong with each field', () => {
    expect(validate('disk_full', form({ threshold: null }))).toEqual({ threshold: 'Enter a number.' });
    expect(validate('disk_full', form({ threshold: 100 }))).toEqual({ threshold: 'Enter a number between 0 and 100.' });
    expect(validate('memory_pressure', form({ threshold: 0 }))).toEqual({
      threshold: 'Enter a number between 0 and 100.',
    });
    expect(validate('failed_logins', form({ threshold: 0.5 }))).toEqual({ threshold: 'Enter 1 or more.' });
    expect(validate('swap_thrashing', form({ threshold: -1 }))).toEqual({ threshold: 'Enter a number above 0.' });
    expect(validate('disk_full', form({ duration: null }))).toEqual({
      duration: 'Enter how long, or 0 to alert at once.',
    });
    expect(validate('disk_full', form({ duration: -1 }))).toEqual({ duration: 'Enter 0 or more.' });
    expect(validate('disk_full', form({ duration: 1.5, unit: 'seconds' }))).toEqual({
      duration: 'Enter whole seconds.',
    });
    expect(validate('disk_full', form({ duration: 24 * 60 + 1 }))).toEqual({
      duration: 'Enter at most 24 hours (1440 minutes).',
    });
    expect(hasErrors({})).toBe(false);
    expect(hasErrors({ duration: 'x' })).toBe(true);
  });

  it('sends only what changed', () => {
    expect(changeOf(disk, form())).toBeNull();
    expect(changeOf(disk, form({ threshold: 95 }))).toEqual({ threshold: 95 });
    expect(changeOf(disk, form({ enabled: false }))).toEqual({ enabled: false });
    expect(changeOf(disk, form({ duration: 60, unit: 'seconds' }))).toBeNull();
    expect(changeOf(disk, form({ duration: 5 }))).toEqual({ duration_seconds: 300 });
    expect(changeOf(disk, form({ threshold: null }))).toBeNull();
  });

  it('says how long a rule waits', () => {
    expect(durationWords(0)).toBe('at once');
    expect(durationWords(60)).toBe('after 1 minute');
    expect(durationWords(900)).toBe('after 15 minutes');
    expect(durationWords(90)).toBe('after 90 seconds');
    expect(durationWords(1)).toBe('after 1 second');
  });
});
