import { defaultRecipe, recipeProblem, toRecipe } from './recipe';

describe('the generator recipe', () => {
  it('starts with 20 characters of every kind', () => {
    expect(recipeProblem(defaultRecipe())).toBeNull();
    expect(toRecipe(defaultRecipe())).toEqual({
      type: 'characters',
      length: 20,
      lower: true,
      upper: true,
      digits: true,
      symbols: true,
    });
  });

  it('keeps lengths and word counts within what the app accepts', () => {
    const r = defaultRecipe();
    expect(recipeProblem({ ...r, length: 8 })).toBeNull();
    expect(recipeProblem({ ...r, length: 128 })).toBeNull();
    for (const length of [7, 129, null, 12.5]) {
      expect(recipeProblem({ ...r, length })).toBe(
        'Choose a length from 8 to 128 characters; 20 or more is a good default.',
      );
    }
    expect(recipeProblem({ ...r, lower: false, upper: false, digits: false, symbols: false })).toBe(
      'Tick at least one kind of character.',
    );
    const words = { ...r, type: 'words' as const };
    expect(toRecipe(words)).toEqual({ type: 'words', count: 6 });
    expect(recipeProblem({ ...words, count: 3 })).toBeNull();
    expect(recipeProblem({ ...words, count: 13 })).toBe('Choose from 3 to 12 words; 6 is a good default.');
    // A bad length does not matter while words are chosen.
    expect(recipeProblem({ ...words, length: 2 })).toBeNull();
  });
});
