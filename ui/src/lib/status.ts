// Status levels: always shown as colour, icon and words together.
export type Level = 'good' | 'warning' | 'danger' | 'neutral';

/** How full a disk or memory is, in words. */
export function fullness(usedPercent: number): { level: Level; words: string } {
  if (usedPercent >= 90) return { level: 'danger', words: 'Almost full' };
  if (usedPercent >= 80) return { level: 'warning', words: 'Getting full' };
  return { level: 'good', words: 'Plenty of room' };
}
