import { backup, wifi } from './fixtures';
import { emptyForm, formOf, problems, toDetails } from './form';

describe('the form', () => {
  it('asks for a name and a secret before saving', () => {
    expect(problems(emptyForm(), '')).toEqual({
      name: 'Give it a name you will recognise, such as "Office Wi-Fi".',
      secret: 'Type the secret, or generate one below.',
    });
    expect(problems({ ...emptyForm(), name: '   ' }).name).toBeDefined();
    // Editing sends no secret, so none is asked for.
    expect(problems({ ...emptyForm(), name: 'NAS' })).toEqual({});
  });

  it('takes a reminder from the list or a typed number of days', () => {
    const form = { ...emptyForm(), name: ' NAS ', username: ' admin ', reminder: '90' as const };
    expect(toDetails(form)).toEqual({
      name: 'NAS',
      kind: 'password',
      username: 'admin',
      url: '',
      notes: '',
      rotate_days: 90,
    });
    expect(toDetails({ ...form, reminder: 'none' }).rotate_days).toBeNull();
    expect(toDetails({ ...form, reminder: 'custom', days: 45 }).rotate_days).toBe(45);
    for (const days of [null, 0, 1.5, 3651]) {
      expect(problems({ ...form, reminder: 'custom', days }).days).toBe(
        'Type a whole number of days from 1 to 3650.',
      );
    }
    expect(problems({ ...form, reminder: 'custom', days: 3650 })).toEqual({});
  });

  it('fills in from a saved credential', () => {
    expect(formOf(wifi)).toMatchObject({ name: 'Office Wi-Fi', kind: 'wi_fi', reminder: '90', days: null });
    expect(formOf(backup)).toMatchObject({ reminder: 'none', days: null });
    expect(formOf({ ...backup, rotate_days: 45 })).toMatchObject({ reminder: 'custom', days: 45 });
  });
});
