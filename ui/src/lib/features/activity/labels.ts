// Plain words for the actions Shipshape records. An action without a label
// is shown as recorded.
const labels: Record<string, string> = {
  'audit.export': 'Exported the activity log',
  'store.recover': 'Started a new database after finding the old one damaged',
  'verify.file': 'Checked a download',
  'verify.list': 'Checked the files of a checksum list',
  'publisher.pin': 'Pinned a trusted publisher',
  'publisher.unpin': 'Removed a trusted publisher',
};

export function actionLabel(action: string): string {
  return labels[action] ?? action;
}

export const sourceLabels: Record<string, string> = {
  app: 'in the app',
  cli: 'from the command line',
  scheduler: 'on a schedule',
};
