// Plain words for what the Overview lists: anomalies, alerts, sockets.
import type { Alert, Anomaly, AnomalyKind, Sample } from '../../ipc';
import type { Level } from '../../status';
import { alertState } from './tiles';

/** Group headings for the changes since the baseline, in the order shown. */
export const anomalyTitles: Record<AnomalyKind, string> = {
  new_administrator: 'New administrators',
  new_listener: 'New programs listening on the network',
  new_special_file: 'New programs that run with extra rights',
  changed_file: 'Changed system files',
  new_file: 'New system files',
  removed_file: 'Removed system files',
};

export interface AnomalyGroup {
  kind: AnomalyKind;
  title: string;
  items: Anomaly[];
}

/** The anomalies by kind, the kinds in `anomalyTitles` order, none empty. */
export function groupAnomalies(anomalies: Anomaly[]): AnomalyGroup[] {
  return (Object.keys(anomalyTitles) as AnomalyKind[])
    .map((kind) => ({ kind, title: anomalyTitles[kind], items: anomalies.filter((a) => a.kind === kind) }))
    .filter((g) => g.items.length > 0);
}

/** "a new program listens on port 8080" → "A new program listens on port 8080". */
export function sentenceCase(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** How urgent an open alert is; a cleared one is over. */
export function alertLevel(a: Alert): Level {
  switch (alertState(a)) {
    case 'cleared':
      return 'good';
    case 'acknowledged':
      return 'neutral';
    case 'open':
      return a.rule === 'sustained_load' || a.rule === 'disk_full_soon' ? 'warning' : 'danger';
  }
}

export function alertWords(a: Alert): string {
  switch (alertState(a)) {
    case 'cleared':
      return 'Cleared';
    case 'acknowledged':
      return 'Acknowledged';
    case 'open':
      return 'Needs attention';
  }
}

/** Open alerts first (newest first), then the cleared ones (latest cleared first). */
export function sortAlerts(alerts: Alert[]): { open: Alert[]; cleared: Alert[] } {
  const newest = (a: string, b: string) => Date.parse(b) - Date.parse(a);
  return {
    open: alerts.filter((a) => !a.cleared).sort((a, b) => newest(a.raised, b.raised)),
    cleared: alerts.filter((a) => a.cleared).sort((a, b) => newest(a.cleared!, b.cleared!)),
  };
}

/** What identifies the open alerts and their state: it changes when the list should be read again. */
export function alertsKey(alerts: Alert[]): string {
  return alerts
    .map((a) => `${a.id}:${alertState(a)}`)
    .sort()
    .join(',');
}

export type Socket = Sample['sockets'][number];

/** Where a socket listens, in words. */
export function addressWords(address: string): string {
  if (address === '0.0.0.0' || address === '::' || address === '*' || address === '') return 'every network';
  if (address.startsWith('127.') || address === '::1') return 'this computer only';
  return address;
}

/** By port, then protocol, then address. */
export function sortSockets(sockets: Socket[]): Socket[] {
  return [...sockets].sort(
    (a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol) || a.address.localeCompare(b.address),
  );
}
