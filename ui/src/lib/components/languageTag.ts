// uPlot calls `new Intl.NumberFormat(navigator.language)` as it loads. Under
// the C locale (LANG=C.UTF-8, common on servers and CI) WebKitGTK reports the
// language as "C", which Intl refuses with a RangeError, and the whole window
// would fail to start. Import this module before uPlot: it puts the locale
// Intl itself resolved in place of a tag it cannot use.

export function usableLanguage(tag: string): boolean {
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

if (typeof navigator !== 'undefined' && !usableLanguage(navigator.language)) {
  Object.defineProperty(navigator, 'language', {
    value: new Intl.NumberFormat().resolvedOptions().locale,
    configurable: true,
  });
}
