import { history } from './fixtures';
import { trendData, trendSentence } from './trend';

describe('trend', () => {
  it('puts the scores oldest first against Unix seconds', () => {
    expect(trendData(history)).toEqual([
      [Date.parse('2025-03-01T09:30:00Z') / 1000, Date.parse('2025-03-04T09:30:00Z') / 1000],
      [58, 64],
    ]);
  });

  it('says how the score moved since the previous check', () => {
    expect(trendSentence(history)).toBe('Up 6 points since your previous check.');
    expect(trendSentence([{ ...history[0], score: 57 }, history[1]])).toBe('Down 1 point since your previous check.');
    expect(trendSentence([{ ...history[0], score: 58 }, history[1]])).toBe('The same as your previous check.');
    expect(trendSentence([history[0]])).toBeNull();
    expect(trendSentence([])).toBeNull();
  });
});
