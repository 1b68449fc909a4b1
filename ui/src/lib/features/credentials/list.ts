// The list of credentials: search, and keeping it in the app's order.
import type { Credential } from '../../ipc';
import { kindLabels } from './labels';

/** The words a credential is found by: name, username, address and kind. */
function haystack(c: Credential): string {
  return [c.name, c.username, c.url, kindLabels[c.kind], c.kind].join('\n').toLowerCase();
}

/** Whether every word of `query` appears somewhere in `c`. */
export function matches(c: Credential, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const text = haystack(c);
  return words.every((w) => text.includes(w));
}

export function search(list: Credential[], query: string): Credential[] {
  return list.filter((c) => matches(c, query));
}

/** By name, ignoring case, as the app lists them. */
function byName(a: Credential, b: Credential): number {
  return a.name.localeCompare(b.name, undefined, { sensitivity: 'base' });
}

/** The list with `c` added, or replacing the credential with its id. */
export function upsert(list: Credential[], c: Credential): Credential[] {
  return [...list.filter((x) => x.id !== c.id), c].sort(byName);
}

export function without(list: Credential[], id: string): Credential[] {
  return list.filter((x) => x.id !== id);
}
