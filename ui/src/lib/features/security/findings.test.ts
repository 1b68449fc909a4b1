import { DEFAULT_FILTER, areasOf, countsSentence, groupFindings, isFiltered, matches } from './findings';
import { aslr, banner, findings, firewallOff, passAgeing, rootLogin, scan, shadow, telnet } from './fixtures';

const ids = (groups: ReturnType<typeof groupFindings>) =>
  groups.map((g) => [g.severity, g.findings.map((f) => f.id)]);

describe('groupFindings', () => {
  it('shows what needs fixing or is worth a look by default, worst first', () => {
    expect(ids(groupFindings(findings, DEFAULT_FILTER))).toEqual([
      ['critical', [rootLogin.id]],
      ['high', [firewallOff.id]],
      ['medium', [passAgeing.id]],
      ['low', [banner.id]],
    ]);
  });

  it('shows everything when asked, failures first within a group', () => {
    const groups = groupFindings([aslr, telnet, firewallOff, shadow, rootLogin], { ...DEFAULT_FILTER, status: 'all' });
    expect(ids(groups)).toEqual([
      ['critical', [rootLogin.id, shadow.id]],
      ['high', [firewallOff.id, aslr.id, telnet.id]],
    ]);
  });

  it('filters by one status, severity and area', () => {
    expect(ids(groupFindings(findings, { ...DEFAULT_FILTER, status: 'warning' }))).toEqual([
      ['medium', [passAgeing.id]],
      ['low', [banner.id]],
    ]);
    expect(ids(groupFindings(findings, { ...DEFAULT_FILTER, status: 'needs_admin' }))).toEqual([
      ['critical', [shadow.id]],
    ]);
    expect(ids(groupFindings(findings, { ...DEFAULT_FILTER, severity: 'high' }))).toEqual([
      ['high', [firewallOff.id]],
    ]);
    expect(ids(groupFindings(findings, { ...DEFAULT_FILTER, status: 'all', area: 'accounts' }))).toEqual([
      ['critical', [shadow.id]],
      ['medium', [passAgeing.id]],
    ]);
  });

  it('leaves out groups with nothing in them', () => {
    expect(groupFindings(findings, { ...DEFAULT_FILTER, status: 'error' })).toEqual([]);
  });
});

describe('matches', () => {
  it('finds words in any order, in any case, in the words, id and references', () => {
    const f = { ...DEFAULT_FILTER, status: 'all' as const };
    expect(matches(rootLogin, { ...f, text: 'ROOT remotely' })).toBe(true);
    expect(matches(rootLogin, { ...f, text: 'ssh-7408' })).toBe(true);
    expect(matches(rootLogin, { ...f, text: 'permitrootlogin' })).toBe(true);
    expect(matches(rootLogin, { ...f, text: 'root firewall' })).toBe(false);
    expect(matches(rootLogin, { ...f, text: '   ' })).toBe(true);
  });
});

describe('the rest', () => {
  it('lists the areas present in the screen order', () => {
    expect(areasOf(findings)).toEqual(['accounts', 'ssh', 'firewall', 'services', 'kernel', 'banners']);
  });

  it('knows when a filter is set', () => {
    expect(isFiltered(DEFAULT_FILTER)).toBe(false);
    expect(isFiltered({ ...DEFAULT_FILTER, text: 'x' })).toBe(true);
    expect(isFiltered({ ...DEFAULT_FILTER, status: 'all' })).toBe(true);
  });

  it('counts in a sentence, leaving zeros out', () => {
    expect(countsSentence(scan.counts)).toBe(
      '2 need fixing, 2 are worth a look, 1 passed, 1 needs admin rights and 1 does not apply.',
    );
    expect(
      countsSentence({ pass: 0, fail: 1, warning: 0, not_applicable: 0, needs_admin: 0, error: 0, accepted: 0 }),
    ).toBe('1 needs fixing.');
    expect(countsSentence({ pass: 0, fail: 0, warning: 0, not_applicable: 0, needs_admin: 0, error: 2, accepted: 0 })).toBe(
      '2 could not be checked.',
    );
  });
});
