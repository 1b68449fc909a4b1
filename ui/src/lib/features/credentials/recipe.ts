// The generator's settings as the user sets them, checked before asking the
// app for a secret. The limits are the app's own (core::vault::generate).
import type { Recipe } from '../../ipc';

export const LENGTH = { min: 8, max: 128, default: 20 } as const;
export const WORDS = { min: 3, max: 12, default: 6 } as const;

export interface RecipeForm {
  type: 'characters' | 'words';
  /** Null while the number field is empty. */
  length: number | null;
  lower: boolean;
  upper: boolean;
  digits: boolean;
  symbols: boolean;
  count: number | null;
}

export function defaultRecipe(): RecipeForm {
  return {
    type: 'characters',
    length: LENGTH.default,
    lower: true,
    upper: true,
    digits: true,
    symbols: true,
    count: WORDS.default,
  };
}

function within(n: number | null, range: { min: number; max: number }): boolean {
  return n !== null && Number.isInteger(n) && n >= range.min && n <= range.max;
}

/** What stops the recipe from making a secret, in words; null when it can. */
export function recipeProblem(form: RecipeForm): string | null {
  if (form.type === 'words') {
    return within(form.count, WORDS)
      ? null
      : `Choose from ${WORDS.min} to ${WORDS.max} words; ${WORDS.default} is a good default.`;
  }
  if (!within(form.length, LENGTH)) {
    return `Choose a length from ${LENGTH.min} to ${LENGTH.max} characters; ${LENGTH.default} or more is a good default.`;
  }
  if (!(form.lower || form.upper || form.digits || form.symbols)) {
    return 'Tick at least one kind of character.';
  }
  return null;
}

/** The recipe the app takes. Check `recipeProblem` first. */
export function toRecipe(form: RecipeForm): Recipe {
  if (form.type === 'words') return { type: 'words', count: form.count ?? WORDS.default };
  return {
    type: 'characters',
    length: form.length ?? LENGTH.default,
    lower: form.lower,
    upper: form.upper,
    digits: form.digits,
    symbols: form.symbols,
  };
}
