// Plain words for the actions Shipshape records. An action without a label
// is shown as recorded.
const labels: Record<string, string> = {
  'audit.export': 'Exported the activity log',
  'store.recover': 'Started a new database after finding the old one damaged',
  'verify.file': 'Checked a download',
  'verify.list': 'Checked the files of a checksum list',
  'publisher.pin': 'Pinned a trusted publisher',
  'publisher.unpin': 'Removed a trusted publisher',
  'vault.add': 'Added a credential',
  'vault.edit': 'Changed the details of a credential',
  'vault.reveal': 'Revealed a secret',
  'vault.copy': 'Copied a secret to the clipboard',
  'vault.use': 'Used a secret',
  'vault.rotate': 'Changed a secret',
  'vault.delete': 'Deleted a credential',
  'vault.repair': 'Repaired a credential that disagreed with the keychain',
  'security.scan': 'Checked the security of this computer',
  'security.fix': 'Fixed a security finding',
  'security.undo': 'Undid a security fix',
  'security.accept': 'Accepted a security risk',
  'security.withdraw': 'Withdrew an accepted risk',
  'security.report': 'Saved a security report',
  'updates.check': 'Looked for waiting updates',
  'updates.apply': 'Installed updates',
  'updates.undo': 'Put back the versions an update replaced',
  'updates.repair': 'Repaired an interrupted installation',
  'schedule.add': 'Scheduled a maintenance job',
  'schedule.edit': 'Changed a scheduled job',
  'schedule.remove': 'Removed a scheduled job',
  'schedule.pause': 'Paused a scheduled job',
  'schedule.resume': 'Resumed a scheduled job',
  'schedule.run': 'Ran a scheduled job',
};

export function actionLabel(action: string): string {
  return labels[action] ?? action;
}

export const sourceLabels: Record<string, string> = {
  app: 'in the app',
  cli: 'from the command line',
  scheduler: 'on a schedule',
  helper: 'with administrator rights',
};
