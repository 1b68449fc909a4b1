// Shared test data for the Verify screen's tests.
import type { FileVerdict, PastVerification, Publisher } from '../../ipc';

export const FILE = '/home/maria/Downloads/setup.bin';
export const LIST = '/home/maria/Downloads/SHA256SUMS';
export const LIST_SIG = '/home/maria/Downloads/SHA256SUMS.asc';
export const KEY = '/home/maria/Downloads/acme.asc';
export const FPR = '0123456789ABCDEF0123456789ABCDEF01234567';
export const NEW_FPR = 'FEDCBA9876543210FEDCBA9876543210FEDCBA98';

export const acme: Publisher = {
  name: 'Acme',
  fingerprint: FPR,
  user_ids: ['Acme Releases <rel@acme.test>'],
  added: '2026-11-20T09:30:00.000Z',
};

export const safe: FileVerdict = {
  safety: 'safe',
  headline: 'Safe to install: setup.bin matches the SHA-256 checksum in SHA256SUMS, line 1, signed by Acme.',
  advice: "The publisher's signature vouches for this file. You can install it.",
  file: FILE,
  link_target: null,
  size: 5 * 1024 * 1024,
  algorithm: 'sha256',
  expected: 'ab'.repeat(32),
  actual: 'ab'.repeat(32),
  source: 'in SHA256SUMS, line 1',
  vouched_by: { name: 'Acme', fingerprint: FPR, pinned: true },
  staged: null,
};

export const unsafe: FileVerdict = {
  ...safe,
  safety: 'unsafe',
  headline: 'Do not install: setup.bin does not match the SHA-256 checksum you gave.',
  advice: 'The file is damaged or was replaced. Delete it, download it again from the publisher’s own site.',
  expected: 'cd'.repeat(32),
  source: 'you gave',
  vouched_by: null,
};

export const unpinned: FileVerdict = {
  ...safe,
  safety: 'caution',
  headline: `Confirm the publisher first: the file matches and the signature is valid, but key ${FPR} is not one of your trusted publishers.`,
  advice: "Compare this fingerprint with the one on the publisher's own website, then pin the key.",
  vouched_by: { name: 'Acme Releases <rel@acme.test>', fingerprint: FPR, pinned: false },
  staged: null,
};

export const past = (verdict: FileVerdict, time = '2026-11-21T10:00:00.000Z'): PastVerification => ({ time, verdict });
