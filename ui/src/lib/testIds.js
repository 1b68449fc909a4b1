// Shared by components and the end-to-end tests (tests/e2e), so a renamed
// id breaks both at once.
export const testIds = Object.freeze({
  nav: 'nav',
  navOverview: 'nav-overview',
  navSecurity: 'nav-security',
  navMaintenance: 'nav-maintenance',
  navBackups: 'nav-backups',
  navVerifyFile: 'nav-verify-file',
  navInstall: 'nav-install',
  navOffice: 'nav-office',
  navFleet: 'nav-fleet',
  navCredentials: 'nav-credentials',
  navActivity: 'nav-activity',
  screenTitle: 'screen-title',
  overviewSummary: 'overview-summary',
  factHostname: 'fact-hostname',
  factOs: 'fact-os',
  factKernel: 'fact-kernel',
  factUptime: 'fact-uptime',
  factCpu: 'fact-cpu',
  factMemory: 'fact-memory',
  factDisk: 'fact-disk',
  refresh: 'refresh',
  // The Overview's health. Tiles carry the raw figures they show:
  // tileDisk (the fullest disk) data-mount, data-used-percent,
  // data-total-bytes, data-used-bytes, data-free-bytes; tileMemory
  // data-total-bytes, data-used-bytes, data-available-bytes; tileCpu
  // data-percent, data-cores, data-load1, data-load5, data-load15;
  // tileUptime data-seconds, data-reboot-required, data-packages (spaced);
  // tileAlerts data-open, data-unacknowledged. overviewSummary has
  // data-status (all_good, needs_attention, first_reading).
  overviewFirstReading: 'overview-first-reading',
  overviewProblems: 'overview-problems',
  tileDisk: 'tile-disk',
  tileMemory: 'tile-memory',
  tileCpu: 'tile-cpu',
  tileUptime: 'tile-uptime',
  tileAlerts: 'tile-alerts',
  tileAlertsLink: 'tile-alerts-link',
  // The latest security score: data-state (loading, scored, none, error)
  // and, once scored, data-score; its link opens the Security screen.
  tileSecurity: 'tile-security',
  tileSecurityLink: 'tile-security-link',
  // Updates: data-state (loading, ready, error) and, once ready,
  // data-waiting, data-security and data-last-patched (when the newest
  // installation that worked started; "" when there is none).
  // Next maintenance: data-state (loading, scheduled, paused, none, error),
  // data-next (the soonest next run of a job not paused) and data-attention
  // (how many jobs need attention). Both links open the Maintenance screen.
  tileUpdates: 'tile-updates',
  tileUpdatesLink: 'tile-updates-link',
  tileMaintenance: 'tile-maintenance',
  tileMaintenanceLink: 'tile-maintenance-link',
  // Last backup: data-state (loading, none, ready, error), data-level
  // (good, neutral, warning, danger) and, once ready with a backup,
  // data-name (the backup shown: the one needing attention most),
  // data-newest (when its newest copy was made; "" when none),
  // data-outcome and data-test-outcome (its last backup's and restore
  // test's; "" when none). The link opens the Backups screen.
  tileBackup: 'tile-backup',
  tileBackupLink: 'tile-backup-link',
  // data-mount, data-days-left.
  forecastLine: 'forecast-line',
  // data-mount, data-total-bytes, data-used-bytes, data-free-bytes, data-used-percent.
  diskRow: 'disk-row',
  // The history: charts has data-hours (the range shown); each chartRange
  // button has data-hours and aria-pressed; each chart has data-chart (cpu,
  // memory, disk, network) and data-points, and holds its chartSummary.
  charts: 'health-charts',
  chartRange: 'chart-range',
  chart: 'chart',
  chartSummary: 'chart-summary',
  chartsEmpty: 'charts-empty',
  // Rows: data-pid, data-name, data-cpu-percent, data-memory-bytes.
  processesCpu: 'processes-cpu',
  processesMemory: 'processes-memory',
  processRow: 'process-row',
  // The folded list (data-count) and its rows: data-port, data-protocol,
  // data-address, data-program ("" when unknown).
  listening: 'listening',
  listeningRow: 'listening-row',
  // Alerts: rows carry data-id, data-rule, data-subject and data-state
  // (open, acknowledged, cleared); the acknowledge button is inside the row.
  alertsList: 'alerts-list',
  alertsEmpty: 'alerts-empty',
  alertRow: 'alert-row',
  alertAcknowledge: 'alert-acknowledge',
  alertAcknowledged: 'alert-acknowledged',
  // Alert rules (a <details>): rows carry data-kind, data-enabled,
  // data-threshold, data-duration-seconds (as saved); the inputs, save
  // button, errors (data-field threshold or duration, or data-code from the
  // app) and the saved notice are inside the row.
  alertRules: 'alert-rules',
  ruleRow: 'rule-row',
  ruleEnabled: 'rule-enabled',
  ruleThreshold: 'rule-threshold',
  ruleDuration: 'rule-duration',
  ruleDurationUnit: 'rule-duration-unit',
  ruleSave: 'rule-save',
  ruleError: 'rule-error',
  ruleSaved: 'rule-saved',
  // Changes since the baseline: data-state on baseline (checking, none,
  // clean, changed, error); anomaly rows carry data-kind and data-subject.
  baseline: 'baseline',
  baselineRecheck: 'baseline-recheck',
  baselineAcceptNow: 'baseline-accept-now',
  baselineAccept: 'baseline-accept',
  baselineDialog: 'baseline-dialog',
  baselineConfirm: 'baseline-confirm',
  baselineCancel: 'baseline-cancel',
  anomalyRow: 'anomaly-row',
  activitySearch: 'activity-search',
  activityOutcome: 'activity-outcome',
  activityAction: 'activity-action',
  activitySince: 'activity-since',
  activityUntil: 'activity-until',
  activityRow: 'activity-row',
  activityEmpty: 'activity-empty',
  activityLogYours: 'activity-log-yours',
  activityLogAdmin: 'activity-log-admin',
  activityAdminTampered: 'activity-admin-tampered',
  activityMore: 'activity-more',
  exportFormat: 'export-format',
  exportPath: 'export-path',
  exportChoose: 'export-choose',
  exportSubmit: 'export-submit',
  exportResult: 'export-result',
  exportError: 'export-error',
  verifyStart: 'verify-start',
  verifyCancel: 'verify-cancel',
  verifyProgress: 'verify-progress',
  verifyResult: 'verify-result',
  errorState: 'error-state',
  // The Verify screen: the wizard (data-step on wizardStep is 1 to 4).
  wizardStep: 'wizard-step',
  wizardStepLabel: 'wizard-step-label',
  wizardBack: 'wizard-back',
  wizardStartOver: 'wizard-start-over',
  wizardNext: 'wizard-next',
  wizardNotice: 'wizard-notice',
  wizardFilePath: 'wizard-file-path',
  wizardFileChoose: 'wizard-file-choose',
  wizardDropZone: 'wizard-drop-zone',
  wizardSuggestions: 'wizard-suggestions',
  wizardMethodChecksum: 'wizard-method-checksum',
  wizardMethodList: 'wizard-method-list',
  wizardMethodSignature: 'wizard-method-signature',
  wizardAlgorithm: 'wizard-algorithm',
  wizardHex: 'wizard-hex',
  wizardListPath: 'wizard-list-path',
  wizardListAlgorithm: 'wizard-list-algorithm',
  wizardSignaturePath: 'wizard-signature-path',
  wizardSignerKey: 'wizard-signer-key',
  wizardSignerPublisher: 'wizard-signer-publisher',
  wizardKeyPath: 'wizard-key-path',
  wizardPublisher: 'wizard-publisher',
  wizardProgress: 'wizard-progress',
  wizardProgressText: 'wizard-progress-text',
  wizardCancel: 'wizard-cancel',
  wizardVerdict: 'wizard-verdict',
  wizardVerdictDetails: 'wizard-verdict-details',
  wizardAgain: 'wizard-again',
  wizardPinPublisher: 'wizard-pin-publisher',
  wizardCheckAgain: 'wizard-check-again',
  // Past verifications.
  historyRow: 'history-row',
  historyEmpty: 'history-empty',
  // Trusted publishers and the pin form.
  publisherRow: 'publisher-row',
  publisherRemove: 'publisher-remove',
  publisherRemoveConfirm: 'publisher-remove-confirm',
  publishersEmpty: 'publishers-empty',
  pinOpen: 'pin-open',
  pinName: 'pin-name',
  pinKeyPath: 'pin-key-path',
  pinPreview: 'pin-preview',
  pinFingerprint: 'pin-fingerprint',
  pinKeyChanged: 'pin-key-changed',
  pinConfirmChanged: 'pin-confirm-changed',
  pinSubmit: 'pin-submit',
  pinCancel: 'pin-cancel',
  pinDone: 'pin-done',
  // The Credentials screen. Each row carries data-name, data-id and
  // data-rotation (not_scheduled, current, due, overdue); the per-row
  // buttons are found inside the row.
  credentialsScreen: 'credentials-screen',
  credentialsSummary: 'credentials-summary',
  credentialsSearch: 'credentials-search',
  credentialsAdd: 'credentials-add',
  credentialsEmpty: 'credentials-empty',
  credentialsNoMatch: 'credentials-no-match',
  credentialsNotice: 'credentials-notice',
  credentialsCheckNotice: 'credentials-check-notice',
  credentialsKeychainBanner: 'credentials-keychain-banner',
  credentialsKeychainRetry: 'credentials-keychain-retry',
  credentialRow: 'credential-row',
  credentialReveal: 'credential-reveal',
  credentialHide: 'credential-hide',
  credentialCopy: 'credential-copy',
  credentialCopied: 'credential-copied',
  credentialRotate: 'credential-rotate',
  credentialEdit: 'credential-edit',
  credentialDelete: 'credential-delete',
  credentialRevealed: 'credential-revealed',
  credentialCountdown: 'credential-countdown',
  // The add, edit, change-secret and delete dialogs (data-mode on the dialog).
  credentialDialog: 'credential-dialog',
  credentialName: 'credential-name',
  credentialKind: 'credential-kind',
  credentialUsername: 'credential-username',
  credentialUrl: 'credential-url',
  credentialNotes: 'credential-notes',
  credentialRotation: 'credential-rotation',
  credentialRotationDays: 'credential-rotation-days',
  credentialSecret: 'credential-secret',
  credentialSecretShow: 'credential-secret-show',
  credentialFieldError: 'credential-field-error',
  generateCharacters: 'generate-characters',
  generateWords: 'generate-words',
  generateLength: 'generate-length',
  generateCount: 'generate-count',
  generateSubmit: 'generate-submit',
  strengthMeter: 'strength-meter',
  strengthLabel: 'strength-label',
  credentialSave: 'credential-save',
  credentialCancel: 'credential-cancel',
  credentialDeleteConfirm: 'credential-delete-confirm',
  // The Security screen. securityScore (the ring) has data-score and
  // data-level (good, warning, danger); securityTrend data-scans and, with
  // two scans or more, holds securityHistoryChart (data-points); cost rows
  // data-id and data-points; groups data-severity and data-count (findings
  // shown); finding cards data-id, data-status, data-severity and data-area,
  // and hold securityEvidence (a <details>); reportDone has data-path.
  securityScreen: 'security-screen',
  securityScan: 'security-scan',
  securityBusy: 'security-busy',
  securityScanCancel: 'security-scan-cancel',
  securityScanCancelled: 'security-scan-cancelled',
  securityEmpty: 'security-empty',
  securityScore: 'security-score',
  securityTrend: 'security-trend',
  securityHistoryChart: 'security-history-chart',
  securityCost: 'security-cost',
  securityAdminNotice: 'security-admin-notice',
  securityFilterStatus: 'security-filter-status',
  securityFilterSeverity: 'security-filter-severity',
  securityFilterArea: 'security-filter-area',
  securitySearch: 'security-search',
  securityNoMatch: 'security-no-match',
  securityGroup: 'security-group',
  securityFinding: 'security-finding',
  securityEvidence: 'security-evidence',
  // Fixes: securityFixOpen on a fixable finding opens fixDialog (data-state:
  // loading, missing, installing, ready, applying, done, error) with fixStep rows (data-target)
  // and fixDiff; fixApply applies; fixResult has data-status (the check
  // afterwards) and data-change. changeRow (data-id, data-kind, data-undone)
  // in securityChanges holds changeUndo. securityAcceptOpen opens
  // acceptDialog (acceptReason, acceptUntil, acceptSave); acceptedRow
  // (data-id) in securityAccepted holds acceptedWithdraw.
  // A fix that needs a missing program shows fixMissing (data-package) with
  // fixInstall, which installs it and previews again; fixInstalled then
  // says what was installed.
  // securityInstallUpdates, on the failing finding of waiting security
  // updates, opens the Maintenance screen.
  securityFixOpen: 'security-fix-open',
  securityInstallUpdates: 'security-install-updates',
  fixDialog: 'fix-dialog',
  fixStep: 'fix-step',
  fixDiff: 'fix-diff',
  fixApply: 'fix-apply',
  fixResult: 'fix-result',
  fixClose: 'fix-close',
  fixMissing: 'fix-missing',
  fixInstall: 'fix-install',
  fixInstalled: 'fix-installed',
  securityChanges: 'security-changes',
  changeRow: 'change-row',
  changeUndo: 'change-undo',
  changeVerdict: 'change-verdict',
  securityAcceptOpen: 'security-accept-open',
  acceptDialog: 'accept-dialog',
  acceptReason: 'accept-reason',
  acceptUntil: 'accept-until',
  acceptSave: 'accept-save',
  securityAccepted: 'security-accepted',
  acceptedRow: 'accepted-row',
  acceptedWithdraw: 'accepted-withdraw',
  reportFormat: 'report-format',
  reportChoose: 'report-choose',
  reportPath: 'report-path',
  reportSave: 'report-save',
  reportDone: 'report-done',
  reportError: 'report-error',
  // The Maintenance screen's updates. updatesVerdict has data-state
  // (checking, waiting, up_to_date, error), data-waiting and data-security;
  // updateRow data-name and data-security (yes, no) and holds updateDetails
  // (a <details>); updatesNotOffered rows data-kind (kept_back, held,
  // phased). updatesProgress has data-done and data-total; updatesResult
  // and updatesUndoResult data-outcome and data-kind; updatesError
  // data-code (the app's). updatesRun rows carry data-id, data-kind,
  // data-outcome and data-undone (yes, no), and hold updatesRunPackages
  // and updatesRunConfig (<details>) and updatesUndo, which opens
  // updatesUndoDialog (with updatesUndoConfig where configuration was kept).
  maintenanceScreen: 'maintenance-screen',
  updatesVerdict: 'updates-verdict',
  updatesCheck: 'updates-check',
  updatesCheckError: 'updates-check-error',
  updatesList: 'updates-list',
  updateRow: 'update-row',
  updateDetails: 'update-details',
  updatesNotOffered: 'updates-not-offered',
  updatesInstallSecurity: 'updates-install-security',
  updatesInstallAll: 'updates-install-all',
  updatesProgress: 'updates-progress',
  updatesCancel: 'updates-cancel',
  updatesCancelled: 'updates-cancelled',
  updatesResult: 'updates-result',
  updatesOldLibraries: 'updates-old-libraries',
  updatesRecheck: 'updates-recheck',
  updatesError: 'updates-error',
  updatesRepair: 'updates-repair',
  updatesHistory: 'updates-history',
  updatesHistoryEmpty: 'updates-history-empty',
  updatesRun: 'updates-run',
  updatesRunPackages: 'updates-run-packages',
  updatesRunConfig: 'updates-run-config',
  updatesUndo: 'updates-undo',
  updatesUndoDialog: 'updates-undo-dialog',
  updatesUndoConfirm: 'updates-undo-confirm',
  updatesUndoCancel: 'updates-undo-cancel',
  updatesUndoConfig: 'updates-undo-config',
  updatesUndoResult: 'updates-undo-result',
  // The Maintenance screen's schedules. scheduleRow (in schedulesList)
  // carries data-id, data-kind (empty when the row cannot be read),
  // data-paused (yes, no) and data-attention (yes, no), and holds
  // scheduleNextRun, scheduleLastRun (data-outcome), scheduleWaiting,
  // scheduleAttention (data-level: warning, danger), the buttons
  // scheduleRunNow, schedulePause (data-paused: what it would set),
  // scheduleEdit and scheduleRemove, the run's scheduleRunResult
  // (data-outcome) and scheduleRowError (data-code). scheduleRemove opens
  // scheduleRemoveDialog; scheduleEdit opens scheduleEditDialog, whose
  // refusal is scheduleEditError (data-code). scheduleSetup opens
  // scheduleWizard (data-step 1 to 4); its steps 1 to 3 hold
  // scheduleWizardInclude and the job's fields, step 4
  // scheduleWizardSummary with a scheduleWizardSummaryRow per job
  // (data-kind, data-included and data-saved: yes, no) and, once saved,
  // scheduleWizardResult (data-state: saved, failed; data-code on a
  // refusal). The fields are shared with the edit dialog:
  // scheduleWeekday has data-day (mon … sun); scheduleRestart is one radio
  // per policy with data-value; scheduleFieldError has data-field (at,
  // days, monthDay, from, to).
  schedules: 'schedules',
  schedulesList: 'schedules-list',
  schedulesEmpty: 'schedules-empty',
  schedulesError: 'schedules-error',
  scheduleRow: 'schedule-row',
  scheduleNextRun: 'schedule-next-run',
  scheduleLastRun: 'schedule-last-run',
  scheduleWaiting: 'schedule-waiting',
  scheduleAttention: 'schedule-attention',
  scheduleRunNow: 'schedule-run-now',
  scheduleRunResult: 'schedule-run-result',
  schedulePause: 'schedule-pause',
  scheduleEdit: 'schedule-edit',
  scheduleRemove: 'schedule-remove',
  scheduleRowError: 'schedule-row-error',
  scheduleRemoveDialog: 'schedule-remove-dialog',
  scheduleRemoveConfirm: 'schedule-remove-confirm',
  scheduleRemoveCancel: 'schedule-remove-cancel',
  scheduleEditDialog: 'schedule-edit-dialog',
  scheduleEditSave: 'schedule-edit-save',
  scheduleEditCancel: 'schedule-edit-cancel',
  scheduleEditError: 'schedule-edit-error',
  scheduleSetup: 'schedule-setup',
  scheduleWizard: 'schedule-wizard',
  scheduleWizardStepLabel: 'schedule-wizard-step-label',
  scheduleWizardInclude: 'schedule-wizard-include',
  scheduleWizardBack: 'schedule-wizard-back',
  scheduleWizardCancel: 'schedule-wizard-cancel',
  scheduleWizardNext: 'schedule-wizard-next',
  scheduleWizardSave: 'schedule-wizard-save',
  scheduleWizardSummary: 'schedule-wizard-summary',
  scheduleWizardSummaryRow: 'schedule-wizard-summary-row',
  scheduleWizardResult: 'schedule-wizard-result',
  scheduleWizardClose: 'schedule-wizard-close',
  scheduleEvery: 'schedule-every',
  scheduleWeekday: 'schedule-weekday',
  scheduleMonthDay: 'schedule-month-day',
  scheduleAt: 'schedule-at',
  scheduleWindowOn: 'schedule-window-on',
  scheduleWindowFrom: 'schedule-window-from',
  scheduleWindowTo: 'schedule-window-to',
  scheduleRestart: 'schedule-restart',
  scheduleFieldError: 'schedule-field-error',

  // The Maintenance screen's notices: noticesDesktop and noticesEmail
  // (checkboxes), the email fields noticeServer, noticePort, noticeSecurity,
  // noticeUsername, noticePassword, noticeFrom, noticeTo, noticeEveryRun;
  // noticeFieldError (data-field); noticesSave, noticesTest; noticesResult
  // (data-state: saved, sent, failed; data-code when failed); noticesError
  // when the settings could not be read.
  notices: 'notices',
  noticesDesktop: 'notices-desktop',
  noticesEmail: 'notices-email',
  noticeServer: 'notice-server',
  noticePort: 'notice-port',
  noticeSecurity: 'notice-security',
  noticeUsername: 'notice-username',
  noticePassword: 'notice-password',
  noticeFrom: 'notice-from',
  noticeTo: 'notice-to',
  noticeEveryRun: 'notice-every-run',
  noticeFieldError: 'notice-field-error',
  noticesSave: 'notices-save',
  noticesTest: 'notices-test',
  noticesResult: 'notices-result',
  noticesError: 'notices-error',

  // The Backups screen. backupsEmpty (no backup yet) holds backupsSetup,
  // which opens backupWizard; with backups, backupsSetup sets up another.
  // backupsError: the backups could not be read (data-code).
  // backupWizard has data-step (1 to 4); its fields: backupWizardName,
  // backupWizardFolder (backupWizardSuggestFolder fills in the suggested
  // folder); step 2 lists backupWizardPath rows and backupWizardExclude
  // rows (each with data-value: the folder or pattern) with their
  // backupWizardRemove, and the fields backupWizardNewPath,
  // backupWizardNewExclude with backupWizardAddPath, backupWizardAddExclude;
  // backupWizardBeforeUpdates is the checkbox for backing up /etc first;
  // backupWizardEstimate starts the estimate, backupWizardEstimateProgress
  // (data-done, data-total) has backupWizardEstimateCancel, and
  // backupWizardEstimateResult has data-state (done, cancelled, failed,
  // stale) and, when done, data-files, data-bytes, data-unreadable.
  // Step 3: backupWizardBackupAt, backupWizardTestDay (a select of mon …
  // sun), backupWizardTestAt; backupWizardCreate makes the backup and
  // schedules it; backupWizardError (data-code) says why it was not made,
  // backupWizardScheduleError (data-code, with backupWizardRetry) why it
  // was not scheduled. Step 4: recoverySheet and backupWizardSheetKept
  // (the checkbox), then backupWizardFinish. backupWizardFieldError has
  // data-field (name, folder, user, host, port, remoteFolder, hostKey,
  // hostConfirmed, paths, path, exclude, backupAt, testAt).
  // Step 1 offers backupWizardWhereLocal (a folder on this computer or a
  // disk) and backupWizardWhereRemote (another computer over SSH), radios;
  // for another computer: backupWizardRemoteUser, backupWizardRemoteHost,
  // backupWizardRemotePort, backupWizardRemoteFolder, and
  // backupWizardCheckHost, which shows backupWizardHostFingerprint
  // (data-fingerprint), backupWizardHostChanged (the computer's identity
  // changed), backupWizardRootKey (the line to add there) and
  // backupWizardHostConfirmed (the checkbox; absent when the computer is
  // trusted already); backupWizardHostError (data-code): it was not checked.
  // backupWizardWhereServer (a restic REST server): backupWizardServerAddress,
  // backupWizardServerUser, backupWizardServerPassword,
  // backupWizardServerFolder, backupWizardCheckServer; then backupWizardServer
  // (data-ready) with backupWizardServerFingerprint (data-fingerprint) or
  // backupWizardServerPlain (no encryption), backupWizardServerChanged,
  // backupWizardServerConfirmed (the checkbox), backupWizardConnectServer,
  // backupWizardServerReady; backupWizardServerError (data-code).
  backupsScreen: 'backups-screen',
  backupsEmpty: 'backups-empty',
  backupsError: 'backups-error',
  backupsSetup: 'backups-setup',
  backupWizard: 'backup-wizard',
  backupWizardStepLabel: 'backup-wizard-step-label',
  backupWizardName: 'backup-wizard-name',
  backupWizardFolder: 'backup-wizard-folder',
  backupWizardSuggestFolder: 'backup-wizard-suggest-folder',
  backupWizardWhereLocal: 'backup-wizard-where-local',
  backupWizardWhereRemote: 'backup-wizard-where-remote',
  backupWizardWhereServer: 'backup-wizard-where-server',
  backupWizardServerAddress: 'backup-wizard-server-address',
  backupWizardServerUser: 'backup-wizard-server-user',
  backupWizardServerPassword: 'backup-wizard-server-password',
  backupWizardServerFolder: 'backup-wizard-server-folder',
  backupWizardCheckServer: 'backup-wizard-check-server',
  backupWizardServer: 'backup-wizard-server',
  backupWizardServerFingerprint: 'backup-wizard-server-fingerprint',
  backupWizardServerPlain: 'backup-wizard-server-plain',
  backupWizardServerChanged: 'backup-wizard-server-changed',
  backupWizardServerConfirmed: 'backup-wizard-server-confirmed',
  backupWizardConnectServer: 'backup-wizard-connect-server',
  backupWizardServerReady: 'backup-wizard-server-ready',
  backupWizardServerError: 'backup-wizard-server-error',
  backupWizardRemoteUser: 'backup-wizard-remote-user',
  backupWizardRemoteHost: 'backup-wizard-remote-host',
  backupWizardRemotePort: 'backup-wizard-remote-port',
  backupWizardRemoteFolder: 'backup-wizard-remote-folder',
  backupWizardCheckHost: 'backup-wizard-check-host',
  backupWizardHostFingerprint: 'backup-wizard-host-fingerprint',
  backupWizardHostChanged: 'backup-wizard-host-changed',
  backupWizardRootKey: 'backup-wizard-root-key',
  backupWizardHostConfirmed: 'backup-wizard-host-confirmed',
  backupWizardHostError: 'backup-wizard-host-error',
  backupWizardPath: 'backup-wizard-path',
  backupWizardExclude: 'backup-wizard-exclude',
  backupWizardRemove: 'backup-wizard-remove',
  backupWizardNewPath: 'backup-wizard-new-path',
  backupWizardAddPath: 'backup-wizard-add-path',
  backupWizardNewExclude: 'backup-wizard-new-exclude',
  backupWizardAddExclude: 'backup-wizard-add-exclude',
  backupWizardBeforeUpdates: 'backup-wizard-before-updates',
  backupWizardEstimate: 'backup-wizard-estimate',
  backupWizardEstimateProgress: 'backup-wizard-estimate-progress',
  backupWizardEstimateCancel: 'backup-wizard-estimate-cancel',
  backupWizardEstimateResult: 'backup-wizard-estimate-result',
  backupWizardBackupAt: 'backup-wizard-backup-at',
  backupWizardTestDay: 'backup-wizard-test-day',
  backupWizardTestAt: 'backup-wizard-test-at',
  backupWizardFieldError: 'backup-wizard-field-error',
  backupWizardBack: 'backup-wizard-back',
  backupWizardCancel: 'backup-wizard-cancel',
  backupWizardNext: 'backup-wizard-next',
  backupWizardCreate: 'backup-wizard-create',
  backupWizardError: 'backup-wizard-error',
  backupWizardScheduleError: 'backup-wizard-schedule-error',
  backupWizardRetry: 'backup-wizard-retry',
  backupWizardSheetKept: 'backup-wizard-sheet-kept',
  backupWizardFinish: 'backup-wizard-finish',
  // The recovery sheet (in the wizard and in recoverySheetDialog): data-state
  // (loading, ready, error); recoveryPassword shows the password,
  // recoveryPrint prints the sheet (recoveryPrintFrame is the hidden frame
  // it prints), and the recoverySave* ids are its SaveToFile (recoverySaveDone
  // has data-path).
  recoverySheet: 'recovery-sheet',
  recoveryPassword: 'recovery-password',
  recoveryPrint: 'recovery-print',
  recoveryPrintFrame: 'recovery-print-frame',
  recoverySaveFormat: 'recovery-save-format',
  recoverySaveChoose: 'recovery-save-choose',
  recoverySavePath: 'recovery-save-path',
  recoverySaveSubmit: 'recovery-save-submit',
  recoverySaveDone: 'recovery-save-done',
  recoverySaveError: 'recovery-save-error',
  recoverySheetDialog: 'recovery-sheet-dialog',
  recoverySheetClose: 'recovery-sheet-close',
  // Each backupCard has data-name and data-level, and holds backupVerdict
  // (data-level, data-late: yes, no; data-newest: "" when none),
  // backupSchedule, backupDetails (a <details>) with a snapshotRow per copy
  // (data-id), and the buttons backupRunNow, backupTestNow and
  // backupSheetOpen (opens recoverySheetDialog). While a run works,
  // backupProgress (data-kind: backup, restore_test; data-done, data-total)
  // holds backupProgressText and backupCancel; afterwards backupCancelled,
  // backupResult (data-kind, data-outcome) or backupError (data-code).
  backupCard: 'backup-card',
  backupVerdict: 'backup-verdict',
  backupSchedule: 'backup-schedule',
  backupDetails: 'backup-details',
  snapshotRow: 'snapshot-row',
  backupRunNow: 'backup-run-now',
  backupTestNow: 'backup-test-now',
  backupSheetOpen: 'backup-sheet-open',
  backupProgress: 'backup-progress',
  backupProgressText: 'backup-progress-text',
  backupCancel: 'backup-cancel',
  backupCancelled: 'backup-cancelled',
  backupResult: 'backup-result',
  backupError: 'backup-error',
  // Restoring: backupRestoreOpen (on each backupCard; disabled with no copy)
  // opens restoreDialog. restoreSnapshot is the select of copies (option
  // values are full snapshot ids, the newest first and chosen). The folder
  // shown has a restoreCrumb button per folder on the way up (data-path);
  // each restoreEntry button (data-path, data-kind: restic's dir, file,
  // symlink…) opens a folder or chooses a file, and a folder's
  // restoreEntryChoose (data-path) chooses the folder itself. restoreFind
  // and restoreFindSubmit search the copy by name; the matches are
  // restoreEntry rows too, in place of the folder's, until restoreFindClear.
  // restoreChosen (data-path) shows what is chosen; restoreWherePlace and
  // restoreWhereFolder are the radios, restoreFolder the folder to restore
  // into; restoreSubmit starts. restoreProgress (data-done, data-total; both
  // "" until progress comes) holds restoreCancel; then restoreResult
  // (data-outcome: done, partial, failed, cancelled; data-restored, data-kept:
  // "" when nothing was moved aside). restoreError (data-code, data-action:
  // browse, find, restore) says why something did not run; restoreClose
  // closes the dialog.
  backupRestoreOpen: 'backup-restore-open',
  restoreDialog: 'restore-dialog',
  restoreSnapshot: 'restore-snapshot',
  restoreCrumb: 'restore-crumb',
  restoreEntry: 'restore-entry',
  restoreEntryChoose: 'restore-entry-choose',
  restoreFind: 'restore-find',
  restoreFindSubmit: 'restore-find-submit',
  restoreFindClear: 'restore-find-clear',
  restoreChosen: 'restore-chosen',
  restoreWherePlace: 'restore-where-place',
  restoreWhereFolder: 'restore-where-folder',
  restoreFolder: 'restore-folder',
  restoreSubmit: 'restore-submit',
  restoreProgress: 'restore-progress',
  restoreCancel: 'restore-cancel',
  restoreResult: 'restore-result',
  restoreError: 'restore-error',
  restoreClose: 'restore-close',
  // Past runs: backupRunRow (data-id, data-kind, data-outcome, data-name)
  // holds backupRunUnreadable (a <details>) when files could not be read,
  // and backupRunChanged when files changed while they were backed up.
  backupRuns: 'backup-runs',
  backupRunsEmpty: 'backup-runs-empty',
  backupRunRow: 'backup-run-row',
  backupRunUnreadable: 'backup-run-unreadable',
  backupRunChanged: 'backup-run-changed',
  // The Install screen: the wizard (data-step on installWizard is 1 to 5).
  installWizard: 'install-wizard',
  installStepLabel: 'install-step-label',
  // Step 1: a package file, or a package by name (installName) found by
  // installSearch among installFound rows (data-name).
  installSourceFile: 'install-source-file',
  installSourcePackage: 'install-source-package',
  installName: 'install-name',
  installSearch: 'install-search',
  installFound: 'install-found',
  installFoundNone: 'install-found-none',
  installProofSource: 'install-proof-source',
  installProgramName: 'install-program-name',
  installProgramVersion: 'install-program-version',
  installFile: 'install-file',
  installProofVerified: 'install-proof-verified',
  installProofChecksum: 'install-proof-checksum',
  installProofRisk: 'install-proof-risk',
  installAlgorithm: 'install-algorithm',
  installHex: 'install-hex',
  installReason: 'install-reason',
  installNext: 'install-next',
  installBack: 'install-back',
  installStartOver: 'install-start-over',
  installProgress: 'install-progress',
  installCancel: 'install-cancel',
  // The preview: installPreview (data-change, data-trust) with one
  // installStepRow per package (data-name, data-action) and its details.
  installPreview: 'install-preview',
  installStepRow: 'install-step-row',
  installDetails: 'install-details',
  installAllowOlder: 'install-allow-older',
  installConfirm: 'install-confirm',
  installError: 'install-error',
  installResult: 'install-result',
  installUndo: 'install-undo',
  installUndoResult: 'install-undo-result',
  installHardenNext: 'install-harden-next',
  // Step 5, after installing: installHarden lists hardenItem rows (data-id,
  // data-kind, data-answered) with their Keep, Switch off and Move to
  // Credentials buttons, and Remove for sample content (hardenRemoveSample);
  // switching off shows hardenPreview first. The
  // security score before and after is installScore (data-before, data-after).
  installHarden: 'install-harden',
  hardenItem: 'harden-item',
  hardenKeep: 'harden-keep',
  hardenSwitchOff: 'harden-switch-off',
  hardenPassword: 'harden-password',
  hardenRemoveSample: 'harden-remove-sample',
  hardenPreview: 'harden-preview',
  hardenConfirm: 'harden-confirm',
  hardenCancel: 'harden-cancel',
  hardenAnswer: 'harden-answer',
  hardenError: 'harden-error',
  installScore: 'install-score',
  installScoreAgain: 'install-score-again',
  // Package files installed: installedRow (data-id, data-outcome) and its Undo.
  installedList: 'installed-list',
  installedEmpty: 'installed-empty',
  installedRow: 'installed-row',
  installedUndo: 'installed-undo',
  installedSwitch: 'installed-switch',
  installedRecord: 'installed-record',
  // An installation with findings not answered yet: installedHarden opens
  // installHardenDialog (the same list as the wizard's step 5).
  installedHarden: 'installed-harden',
  installHardenDialog: 'install-harden-dialog',
  installHardenClose: 'install-harden-close',
  // Undo asks first: installUndoDialog with its confirm and cancel.
  // The Office screen's access review: accessStart (accessAsAdmin) starts
  // one; accessLine rows (data-id, data-decision) with Keep, Remove… and
  // Not sure… (the last two ask accessReason, saved by accessReasonSave);
  // accessProgress (data-left); accessSigner and accessSignOff; accessPast
  // rows of signed reviews with accessExport.
  accessReview: 'access-review',
  accessError: 'access-error',
  accessLast: 'access-last',
  accessAsAdmin: 'access-as-admin',
  accessStart: 'access-start',
  accessProgress: 'access-progress',
  accessLine: 'access-line',
  accessKeep: 'access-keep',
  accessRemove: 'access-remove',
  accessNotSure: 'access-not-sure',
  accessReason: 'access-reason',
  accessReasonSave: 'access-reason-save',
  accessSigner: 'access-signer',
  accessSignOff: 'access-sign-off',
  accessPast: 'access-past',
  accessExport: 'access-export',
  // A signed review's removals (accessRemoval rows) are carried out from
  // accessRemoveDialog: the preview, accessRemoveConfirm, then accessRemoved
  // (data-change), closed by accessRemoveClose.
  accessRemoval: 'access-removal',
  accessCarryOut: 'access-carry-out',
  accessRemoveDialog: 'access-remove-dialog',
  accessRemoveConfirm: 'access-remove-confirm',
  accessRemoved: 'access-removed',
  accessRemoveClose: 'access-remove-close',
  // The Computers screen: fleetAdd opens fleetAddDialog (fleetAddress,
  // fleetName, fleetLook; then fleetFingerprint, fleetPrepare (the command
  // to run there) and fleetKeyLine to compare and copy, fleetSame, fleetEnrol;
  // or, where Shipshape is not installed yet, fleetSetup folds open
  // fleetSetupLine for root, fleetSetupPackage, fleetSetupSha256 and
  // fleetSetUp); fleetCheck checks all with
  // fleetProgress; fleetGrid with fleetRow rows (data-id, data-reached),
  // fleetProblem, and fleetCell cells (data-column, data-level);
  // fleetRemoveConfirm.
  fleetAdd: 'fleet-add',
  fleetAddDialog: 'fleet-add-dialog',
  fleetAddress: 'fleet-address',
  fleetName: 'fleet-name',
  fleetLook: 'fleet-look',
  fleetFingerprint: 'fleet-fingerprint',
  fleetKeyLine: 'fleet-key-line',
  fleetPrepare: 'fleet-prepare',
  fleetSetup: 'fleet-setup',
  fleetSetupLine: 'fleet-setup-line',
  fleetSetupPackage: 'fleet-setup-package',
  fleetSetupSha256: 'fleet-setup-sha256',
  fleetSetUp: 'fleet-set-up',
  // A computer's own screen, read from it: fleetDetailsOpen on its row
  // opens fleetDetails, with fleetDetailsFinding (data-status),
  // fleetDetailsUpdate and fleetDetailsAlert lines.
  fleetDetailsOpen: 'fleet-details-open',
  fleetDetails: 'fleet-details',
  fleetDetailsFinding: 'fleet-details-finding',
  fleetDetailsUpdate: 'fleet-details-update',
  fleetDetailsAlert: 'fleet-details-alert',
  fleetSame: 'fleet-same',
  fleetEnrol: 'fleet-enrol',
  fleetCheck: 'fleet-check',
  fleetProgress: 'fleet-progress',
  fleetGrid: 'fleet-grid',
  fleetRow: 'fleet-row',
  fleetProblem: 'fleet-problem',
  fleetCell: 'fleet-cell',
  fleetRemoveConfirm: 'fleet-remove-confirm',
  // Roll-outs on the Computers screen: rolloutNew opens rolloutDialog
  // (rolloutPackage, rolloutSecurity, or rolloutFileKind with rolloutFile
  // and rolloutSha256, or rolloutPlanKind with rolloutPlanFile; rolloutPilot checkboxes by
  // data-id, rolloutWaves, rolloutSoak, rolloutHalt, rolloutAutomatic,
  // rolloutStart); rolloutProgress while it works; each rolloutItem
  // (data-id, data-status) with rolloutPart rows (data-name,
  // data-state), rolloutContinue, rolloutApprove, rolloutRollback;
  // rolloutError.
  rolloutNew: 'rollout-new',
  rolloutDialog: 'rollout-dialog',
  rolloutPackage: 'rollout-package',
  rolloutSecurity: 'rollout-security',
  rolloutFileKind: 'rollout-file-kind',
  rolloutFile: 'rollout-file',
  rolloutSha256: 'rollout-sha256',
  rolloutPlanKind: 'rollout-plan-kind',
  rolloutPlanFile: 'rollout-plan-file',
  rolloutPilot: 'rollout-pilot',
  rolloutWaves: 'rollout-waves',
  rolloutSoak: 'rollout-soak',
  rolloutHalt: 'rollout-halt',
  rolloutAutomatic: 'rollout-automatic',
  rolloutStart: 'rollout-start',
  rolloutProgress: 'rollout-progress',
  rolloutItem: 'rollout-item',
  rolloutPart: 'rollout-part',
  rolloutContinue: 'rollout-continue',
  rolloutApprove: 'rollout-approve',
  rolloutRollback: 'rollout-rollback',
  rolloutError: 'rollout-error',
  // In rolloutDialog: the same plan as an Ansible playbook, written into
  // the folder typed in rolloutAnsibleFolder by rolloutAnsibleWrite;
  // rolloutAnsibleWritten says what was written and how to run it.
  rolloutAnsibleFolder: 'rollout-ansible-folder',
  rolloutAnsibleWrite: 'rollout-ansible-write',
  rolloutAnsibleWritten: 'rollout-ansible-written',
  // The Office screen's incidents: incidentFilter buttons (data-filter,
  // aria-pressed); incidentRow rows (data-id, data-status, data-priority)
  // open incidentDialog; incidentNew opens the form (incidentTitle,
  // incidentWhat, incidentImpact, incidentUrgency, incidentCreate). In the
  // dialog: incidentLink rows (data-kind, data-gone, data-cleared),
  // incidentEvent rows, incidentNote with incidentAddNote, the moves
  // incidentStart, incidentHold (incidentReason, incidentRemind),
  // incidentResolve (incidentDone, incidentPrevention), incidentSave,
  // incidentClose, incidentReopen, and incidentCleared where a linked alert
  // cleared; incidentDismiss goes back to the list. incidentOpenFrom is
  // the one-click button elsewhere, its result incidentOpened (data-id).
  incidents: 'incidents',
  incidentError: 'incident-error',
  incidentFilter: 'incident-filter',
  incidentRow: 'incident-row',
  incidentNew: 'incident-new',
  incidentTitle: 'incident-title',
  incidentWhat: 'incident-what',
  incidentImpact: 'incident-impact',
  incidentUrgency: 'incident-urgency',
  incidentCreate: 'incident-create',
  incidentDialog: 'incident-dialog',
  incidentLink: 'incident-link',
  incidentEvent: 'incident-event',
  incidentNote: 'incident-note',
  incidentAddNote: 'incident-add-note',
  incidentStart: 'incident-start',
  incidentHold: 'incident-hold',
  incidentReason: 'incident-reason',
  incidentRemind: 'incident-remind',
  incidentResolve: 'incident-resolve',
  incidentDone: 'incident-done',
  incidentPrevention: 'incident-prevention',
  incidentSave: 'incident-save',
  incidentClose: 'incident-close',
  incidentReopen: 'incident-reopen',
  incidentDismiss: 'incident-dismiss',
  incidentCleared: 'incident-cleared',
  incidentOpenFrom: 'incident-open-from',
  incidentOpened: 'incident-opened',
  // The Office screen's software: softwareSystem (data-level) says how long
  // the system is supported; softwareEol rows (data-name, data-ended) of
  // software with an end-of-life date; softwareRetire rows (data-id,
  // data-why) with softwareChoose boxes, removed by softwareRemove after
  // softwareRemoveDialog's preview and softwareRemoveConfirm, its result
  // softwareRemoved (data-outcome); softwareImport reads a newer list.
  software: 'software',
  softwareError: 'software-error',
  softwareSystem: 'software-system',
  softwareSource: 'software-source',
  softwareImport: 'software-import',
  softwareEol: 'software-eol',
  softwareRetire: 'software-retire',
  softwareChoose: 'software-choose',
  softwareRemove: 'software-remove',
  softwareRemoveDialog: 'software-remove-dialog',
  softwareRemoveConfirm: 'software-remove-confirm',
  softwareRemoveCancel: 'software-remove-cancel',
  softwareRemoved: 'software-removed',
  softwareProgress: 'software-progress',
  softwarePackages: 'software-packages',
  // Deployments of plans: a plan file read (deployPlanPath, deployPlanRead)
  // and shown (deployPlan, data-method) before deployStart; each
  // deploymentRow (data-id, data-status) with Approve, Check, Roll back or
  // Repeat.
  deployments: 'deployments',
  deploymentsEmpty: 'deployments-empty',
  deployPlanPath: 'deploy-plan-path',
  deployPlanRead: 'deploy-plan-read',
  deployPlan: 'deploy-plan',
  deployStart: 'deploy-start',
  deployCancel: 'deploy-cancel',
  deployError: 'deploy-error',
  deploymentRow: 'deployment-row',
  deployApprove: 'deploy-approve',
  deployCheck: 'deploy-check',
  deployRollback: 'deploy-rollback',
  deployRepeat: 'deploy-repeat',
  deployRecord: 'deploy-record',
  // The wizard's way to install on step 3: now, or as a pilot watched for
  // installSoak minutes; a pilot's result is installDeployment.
  installMethod: 'install-method',
  installNow: 'install-now',
  installPilot: 'install-pilot',
  installSoak: 'install-soak',
  installDeployment: 'install-deployment',
  installUndoDialog: 'install-undo-dialog',
  installUndoConfirm: 'install-undo-confirm',
  installUndoCancel: 'install-undo-cancel',
  // An installation's change record, saved from recordDialog.
  recordDialog: 'record-dialog',
  recordFormat: 'record-format',
  recordChoose: 'record-choose',
  recordPath: 'record-path',
  recordSave: 'record-save',
  recordDone: 'record-done',
  recordError: 'record-error',
  recordClose: 'record-close',
});

/** The ids of a record's save form (SaveToFile), shared by every record. */
export const recordSaveIds = Object.freeze({
  format: testIds.recordFormat,
  choose: testIds.recordChoose,
  path: testIds.recordPath,
  submit: testIds.recordSave,
  done: testIds.recordDone,
  error: testIds.recordError,
});
