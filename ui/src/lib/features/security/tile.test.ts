import { AppError } from '../../ipc';
import { cleanScan, scan } from './fixtures';
import { securityTile } from './tile';

describe('securityTile', () => {
  it('shows the score in words and what is left to look at', () => {
    expect(securityTile({ state: 'scored', scan })).toMatchObject({
      level: 'warning',
      words: 'Needs work',
      headline: 'Score 64 of 100',
      link: 'See the findings',
    });
    expect(securityTile({ state: 'scored', scan }).detail).toMatch(/^4 findings to look at\. Checked /);
    expect(securityTile({ state: 'scored', scan: cleanScan })).toMatchObject({ level: 'good', words: 'Well protected' });
    expect(securityTile({ state: 'scored', scan: cleanScan }).detail).toMatch(/^Nothing to fix\./);
  });

  it('offers the first check when there is none', () => {
    expect(securityTile({ state: 'none' })).toMatchObject({ headline: 'Not checked yet', link: 'Check this computer' });
  });

  it('says when the score could not be read', () => {
    const error = new AppError({ code: 'internal', message: 'The store is locked.', hint: '' });
    expect(securityTile({ state: 'error', error })).toMatchObject({ detail: 'The store is locked.' });
  });
});
