import { evidenceSource, pointsWords, scoreWords } from './labels';

describe('scoreWords', () => {
  it.each([
    [100, 'good', 'Well protected'],
    [90, 'good', 'Well protected'],
    [89, 'warning', 'Mostly protected'],
    [70, 'warning', 'Mostly protected'],
    [69, 'warning', 'Needs work'],
    [50, 'warning', 'Needs work'],
    [49, 'danger', 'At risk'],
    [0, 'danger', 'At risk'],
  ])('%i is %s: %s', (score, level, words) => {
    expect(scoreWords(score)).toMatchObject({ level, words });
  });
});

describe('pointsWords', () => {
  it('says points with one decimal only when there is one', () => {
    expect(pointsWords(1)).toBe('1 point');
    expect(pointsWords(3)).toBe('3 points');
    expect(pointsWords(18.2)).toBe('18.2 points');
  });
});

describe('evidenceSource', () => {
  it('adds the line to a file and nothing to a command', () => {
    expect(evidenceSource('/etc/ssh/sshd_config', 32)).toBe('/etc/ssh/sshd_config:32');
    expect(evidenceSource('ufw status', null)).toBe('ufw status');
  });
});
