import { usableLanguage } from './languageTag';

describe('usableLanguage', () => {
  it('tells the tags Intl takes from those it refuses', () => {
    expect(usableLanguage('en-GB')).toBe(true);
    expect(usableLanguage('de')).toBe(true);
    // What WebKitGTK reports under LANG=C.UTF-8.
    expect(usableLanguage('C')).toBe(false);
  });
});
