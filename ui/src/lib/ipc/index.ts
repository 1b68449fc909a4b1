// The one place the UI talks to the app. Every call returns typed data or
// throws an `AppError` carrying the app's `{ code, message, hint }`.
import { Channel, invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import type { Command } from './commands';
import type { AdminPage } from './generated/AdminPage';
import type { Alert } from './generated/Alert';
import type { Algorithm } from './generated/Algorithm';
import type { BackupBoard } from './generated/BackupBoard';
import type { BackupEntry } from './generated/BackupEntry';
import type { BackupEstimate } from './generated/BackupEstimate';
import type { BackupHostKey } from './generated/BackupHostKey';
import type { BackupServer } from './generated/BackupServer';
import type { BackupPlan } from './generated/BackupPlan';
import type { BackupRepository } from './generated/BackupRepository';
import type { BackupRun } from './generated/BackupRun';
import type { BaselineDiff } from './generated/BaselineDiff';
import type { CheckReport } from './generated/CheckReport';
import type { Credential } from './generated/Credential';
import type { Details } from './generated/Details';
import type { ComputerFacts } from './generated/ComputerFacts';
import type { Entry } from './generated/Entry';
import type { Error as ErrorBody } from './generated/Error';
import type { ErrorCode } from './generated/ErrorCode';
import type { ExportFormat } from './generated/ExportFormat';
import type { ExportSummary } from './generated/ExportSummary';
import type { FileVerdict } from './generated/FileVerdict';
import type { Filter } from './generated/Filter';
import type { History } from './generated/History';
import type { JobProgress } from './generated/JobProgress';
import type { Method } from './generated/Method';
import type { Overview } from './generated/Overview';
import type { Page } from './generated/Page';
import type { PastScan } from './generated/PastScan';
import type { Preview } from './generated/Preview';
import type { Deployment } from './generated/Deployment';
import type { AccessInventory } from './generated/AccessInventory';
import type { AccessReview } from './generated/AccessReview';
import type { EolSource } from './generated/EolSource';
import type { FleetComputer } from './generated/FleetComputer';
import type { FleetDetails } from './generated/FleetDetails';
import type { AnsibleExport } from './generated/AnsibleExport';
import type { Rollout } from './generated/Rollout';
import type { RolloutPlan } from './generated/RolloutPlan';
import type { RolloutChange } from './generated/RolloutChange';
import type { FleetEnrolment } from './generated/FleetEnrolment';
import type { FleetSetUp } from './generated/FleetSetUp';
import type { NewTicket } from './generated/NewTicket';
import type { Ticket } from './generated/Ticket';
import type { TicketLinkKind } from './generated/TicketLinkKind';
import type { TicketMove } from './generated/TicketMove';
import type { RetirePreview } from './generated/RetirePreview';
import type { SoftwareInventory } from './generated/SoftwareInventory';
import type { Decision } from './generated/Decision';
import type { DeploymentPlan } from './generated/DeploymentPlan';
import type { Installed } from './generated/Installed';
import type { FixOutcome } from './generated/FixOutcome';
import type { Change } from './generated/Change';
import type { Choice } from './generated/Choice';
import type { Acceptance } from './generated/Acceptance';
import type { PastVerification } from './generated/PastVerification';
import type { PinPreview } from './generated/PinPreview';
import type { Publisher } from './generated/Publisher';
import type { Recipe } from './generated/Recipe';
import type { RecoverySheet } from './generated/RecoverySheet';
import type { ReportFormat } from './generated/ReportFormat';
import type { ReportSummary } from './generated/ReportSummary';
import type { Restored } from './generated/Restored';
import type { RestoreWhere } from './generated/RestoreWhere';
import type { Rule } from './generated/Rule';
import type { RuleChange } from './generated/RuleChange';
import type { RuleKind } from './generated/RuleKind';
import type { Safety } from './generated/Safety';
import type { Scan } from './generated/Scan';
import type { StoreStatus } from './generated/StoreStatus';
import type { Strength } from './generated/Strength';
import type { Suggestions } from './generated/Suggestions';
import type { Verdict } from './generated/Verdict';
import type { VerifyRequest } from './generated/VerifyRequest';
import type { UpdateRun } from './generated/UpdateRun';
import type { Voucher } from './generated/Voucher';
import type { Waiting } from './generated/Waiting';
import type { JobStatus } from './generated/JobStatus';
import type { ScheduleChange } from './generated/ScheduleChange';
import type { ScheduledRun } from './generated/ScheduledRun';
import type { NoticeSettings } from './generated/NoticeSettings';
import type { DebAsk } from './generated/DebAsk';
import type { DebPreview } from './generated/DebPreview';
import type { Found } from './generated/Found';
import type { PackageAsk } from './generated/PackageAsk';
import type { PackagePreview } from './generated/PackagePreview';
import type { ProgramAsk } from './generated/ProgramAsk';
import type { ProgramPreview } from './generated/ProgramPreview';
import type { RecordSaved } from './generated/RecordSaved';

export type {
  AdminPage,
  Alert,
  Algorithm,
  BackupBoard,
  BackupEntry,
  BackupEstimate,
  BackupHostKey,
  BackupServer,
  BackupPlan,
  BackupRepository,
  BackupRun,
  BaselineDiff,
  CheckReport,
  Credential,
  Details,
  ComputerFacts,
  Entry,
  ErrorBody,
  ErrorCode,
  ExportFormat,
  ExportSummary,
  FileVerdict,
  Filter,
  History,
  JobProgress,
  Method,
  Overview,
  Page,
  PastScan,
  PastVerification,
  PinPreview,
  Publisher,
  Recipe,
  RecoverySheet,
  ReportFormat,
  ReportSummary,
  Restored,
  RestoreWhere,
  Rule,
  RuleChange,
  RuleKind,
  Safety,
  Scan,
  StoreStatus,
  Strength,
  Suggestions,
  Verdict,
  VerifyRequest,
  Voucher,
  Choice,
  UpdateRun,
  Waiting,
};
export type { Anomaly } from './generated/Anomaly';
export type { Preview, FixOutcome, Change, Acceptance, Installed };
export type { PreviewStep } from './generated/PreviewStep';
export type { Hardening } from './generated/Hardening';
export type { Deployment } from './generated/Deployment';
export type { AccessInventory, AccessReview, Decision };
export type { EolSource, RetirePreview, SoftwareInventory };
export type { FleetComputer, FleetEnrolment, FleetSetUp };
export type { FleetReport } from './generated/FleetReport';
export type { AnsibleExport, FleetDetails, Rollout, RolloutChange, RolloutPlan };
export type { RolloutPart } from './generated/RolloutPart';
export type { RolloutPartState } from './generated/RolloutPartState';
export type { RolloutStatus } from './generated/RolloutStatus';
export type { SupportLevel } from './generated/SupportLevel';
export type { NewTicket, Ticket, TicketLinkKind, TicketMove };
export type { TicketStatus } from './generated/TicketStatus';
export type { TicketLevel } from './generated/TicketLevel';
export type { TicketPriority } from './generated/TicketPriority';
export type { Retire } from './generated/Retire';
export type { RetireWhy } from './generated/RetireWhy';
export type { InventoryPackage } from './generated/InventoryPackage';
export type { Account } from './generated/Account';
export type { ReviewLine } from './generated/ReviewLine';
export type { PasswordState } from './generated/PasswordState';
export type { LineKind } from './generated/LineKind';
export type { DeploymentPlan } from './generated/DeploymentPlan';
export type { DeploymentStatus } from './generated/DeploymentStatus';
export type { HealthGate } from './generated/HealthGate';
export type { InstallMethod } from './generated/InstallMethod';
export type { PlanPart } from './generated/PlanPart';
export type { HardeningFound } from './generated/HardeningFound';
export type { HardeningAnswer } from './generated/HardeningAnswer';
export type { Step } from './generated/Step';
export type { Accepted } from './generated/Accepted';
export type { Area } from './generated/Area';
export type { Cost } from './generated/Cost';
export type { Counts } from './generated/Counts';
export type { Evidence } from './generated/Evidence';
export type { Finding } from './generated/Finding';
export type { Severity } from './generated/Severity';
export type { Status } from './generated/Status';
export type { AnomalyKind } from './generated/AnomalyKind';
export type { Disk } from './generated/Disk';
export type { DiskFacts } from './generated/DiskFacts';
export type { DiskForecast } from './generated/DiskForecast';
export type { HealthStatus } from './generated/HealthStatus';
export type { HealthSummary } from './generated/HealthSummary';
export type { Metric } from './generated/Metric';
export type { ProcessUsage } from './generated/ProcessUsage';
export type { Sample } from './generated/Sample';
export type { Series } from './generated/Series';
export type { Kind } from './generated/Kind';
export type { Outcome } from './generated/Outcome';
export type { Recovery } from './generated/Recovery';
export type { Rotation } from './generated/Rotation';
export type { Update } from './generated/Update';
export type { PackageChange } from './generated/PackageChange';
export type { ChangedConfig } from './generated/ChangedConfig';
export type { ConfigChange } from './generated/ConfigChange';
export type { ConfigKept } from './generated/ConfigKept';
export type { RunKind } from './generated/RunKind';
export type { RunOutcome } from './generated/RunOutcome';
export type { JobStatus, ScheduleChange, ScheduledRun };
export type { NoticeSettings };
export type { DebAsk, DebPreview, Found, PackageAsk, PackagePreview, ProgramAsk, ProgramPreview };
export type { ProgramKind } from './generated/ProgramKind';
export type { RecordSaved };
export type { RunStep } from './generated/RunStep';
export type { Deb } from './generated/Deb';
export type { PackageStep } from './generated/PackageStep';
export type { Script } from './generated/Script';
export type { Trust } from './generated/Trust';
export type { VersionChange } from './generated/VersionChange';
export type { EmailSettings } from './generated/EmailSettings';
export type { MailSecurity } from './generated/MailSecurity';
export type { JobKind } from './generated/JobKind';
export type { JobOutcome } from './generated/JobOutcome';
export type { Recurrence } from './generated/Recurrence';
export type { RestartPolicy } from './generated/RestartPolicy';
export type { BackupKind } from './generated/BackupKind';
export type { BackupOutcome } from './generated/BackupOutcome';
export type { BackupSnapshot } from './generated/BackupSnapshot';
export type { BackupStatus } from './generated/BackupStatus';
export type { Retention } from './generated/Retention';
// Renamed: `Job` here is a long-running task, and `Window` the browser's.
export type { Job as ScheduledJob } from './generated/Job';
export type { Window as MaintenanceWindow } from './generated/Window';

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  /** With `needs_package`: the package Shipshape can install for the action. */
  readonly package: string | null;

  constructor(body: ErrorBody) {
    super(body.message);
    this.name = 'AppError';
    this.code = body.code;
    this.hint = body.hint;
    this.package = body.package ?? null;
  }
}

function isErrorBody(value: unknown): value is ErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ErrorBody).code === 'string' &&
    typeof (value as ErrorBody).message === 'string'
  );
}

/** Any thrown value as an `AppError`, so screens handle one shape. */
export function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (isErrorBody(err)) return new AppError({ ...err, hint: err.hint ?? '' });
  const message = err instanceof Error ? err.message : String(err);
  return new AppError({
    code: 'internal',
    message: `Shipshape's window lost contact with the app: ${message}`,
    hint: 'Close Shipshape and open it again.',
  });
}

async function call<T>(command: Command, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (err) {
    throw asAppError(err);
  }
}

/** The window property the app fills with the stored Overview before the page runs. */
const STORED_OVERVIEW = '__SHIPSHAPE_STORED_OVERVIEW__';

/**
 * The Overview as stored when the window opened, once: the first paint
 * needs no round trip. `null` when there was none, or it was taken.
 */
export function takeStoredOverview(): Overview | null {
  const holder = window as unknown as Record<string, Overview | undefined>;
  const stored = holder[STORED_OVERVIEW] ?? null;
  delete holder[STORED_OVERVIEW];
  return stored;
}

export const api = {
  status: () => call<StoreStatus>('app_status'),
  computerFacts: () => call<ComputerFacts>('computer_facts'),
  /** A page of the user's activity, newest first, older than entry `before`. */
  auditPage: (filter: Filter, before: number | null) =>
    call<Page>('audit_page', { filter, before }),
  /** A page of what was done with administrator rights; `null` before the first. */
  adminActivity: (filter: Filter, before: number | null) =>
    call<AdminPage | null>('admin_activity', { filter, before }),
  auditExport: (filter: Filter, format: ExportFormat, path: string) =>
    call<ExportSummary>('audit_export', { filter, format, path }),
  /** Opens the native save dialog; `null` when the user closed it. */
  chooseExportFile: (format: ExportFormat) =>
    call<string | null>('choose_export_file', { format }),
  /** Opens the native open dialog; `null` when the user closed it. */
  chooseFile: (title: string) => call<string | null>('choose_file', { title }),
  /** Checksum lists, signatures and keys found beside a download. */
  verifySuggestions: (file: string) => call<Suggestions>('verify_suggestions', { file }),
  /** Packages of this computer's package sources whose names contain `word`. */
  installSearch: (word: string) => call<Found[]>('install_search', { word }),
  /** Asks where to save installation `run`'s change record; null when cancelled. */
  chooseRecordFile: (format: ReportFormat, run: number, deployment = false) =>
    call<string | null>('choose_record_file', { format, run, deployment }),
  /** Saves deployment `id`'s record (HTML or JSON) at `path`. */
  deployRecord: (id: number, format: ReportFormat, path: string) =>
    call<RecordSaved>('deploy_record', { id, format, path }),
  /** Saves installation `run`'s change record (HTML or JSON) at `path`. */
  installRecord: (run: number, format: ReportFormat, path: string) =>
    call<RecordSaved>('install_record', { run, format, path }),
  /** Leaves what installation `run` found (`item`) as it is; the record says so. */
  installHardenKeep: (run: number, item: string) => call<UpdateRun>('install_harden_keep', { run, item }),
  /** What switching off the service installation `run` found (`item`) would change. */
  installHardenSwitchOffPreview: (run: number, item: string) =>
    call<Preview>('install_harden_switch_off_preview', { run, item }),
  /** Switches that service off exactly as `seen` previewed. Asks for the password. */
  installHardenSwitchOff: (run: number, item: string, seen: Preview) =>
    call<UpdateRun>('install_harden_switch_off', { run, item, seen }),
  /** Moves a password installation `run` left into Credentials. Asks for the password. */
  installHardenPassword: (run: number, item: string) => call<UpdateRun>('install_harden_password', { run, item }),
  installHardenRemoveSample: (run: number, item: string) =>
    call<UpdateRun>('install_harden_remove_sample', { run, item }),
  /** This computer's accounts; with `asAdmin`, read by root (asks for the password). */
  accessInventory: (asAdmin: boolean) => call<AccessInventory>('access_inventory', { asAdmin }),
  /** The access review not signed off yet, or a new one of the accounts now. */
  accessReview: (asAdmin: boolean) => call<AccessReview>('access_review', { asAdmin }),
  /** Decides one line of review `id`; remove and not sure need a reason. */
  accessDecide: (id: number, line: string, decision: Decision, reason: string) =>
    call<AccessReview>('access_decide', { id, line, decision, reason }),
  /** Signs review `id` off as `name`; it never changes after. */
  accessSignOff: (id: number, name: string) => call<AccessReview>('access_sign_off', { id, name }),
  /** What carrying out line `line` (decided remove) of review `id` would change. */
  accessRemovePreview: (id: number, line: string) => call<Preview>('access_remove_preview', { id, line }),
  /** Carries it out exactly as `seen` previewed; undo is in the Security screen's changes. */
  accessRemove: (id: number, line: string, seen: Preview) => call<FixOutcome>('access_remove', { id, line, seen }),
  /** The access reviews, newest first. */
  accessHistory: () => call<AccessReview[]>('access_history'),
  /** Saves review `id` (a page, CSV or JSON) at `path`. */
  accessExport: (id: number, format: ReportFormat, path: string) =>
    call<RecordSaved>('access_export', { id, format, path }),
  /** The office's computers, with what their last check found. */
  fleetList: () => call<FleetComputer[]>('fleet_list'),
  /** The host key `address` offers now and the line to add there. */
  fleetLook: (address: string) => call<FleetEnrolment>('fleet_look', { address }),
  /** Enrols `address` once `fingerprint` is the one it offers, then checks it. */
  fleetEnrol: (address: string, name: string, fingerprint: string) =>
    call<FleetComputer>('fleet_enrol', { address, name, fingerprint }),
  /** Installs Shipshape on a computer that does not have it (reached as root through its setting-up line), then enrols its own account there. */
  fleetSetUp: (asked: FleetSetUp) => call<FleetComputer>('fleet_set_up', { asked }),
  fleetRemove: (id: number) => call<FleetComputer>('fleet_remove', { id }),
  /** The roll-outs to the office's computers, newest first. */
  rollouts: () => call<Rollout[]>('rollouts'),
  /** A computer's report and what it counts, asked of it now over SSH. */
  fleetDetails: (id: number) => call<FleetDetails>('fleet_details', { id }),
  /** A deployment plan saved as JSON (as Install saves it), as a roll-out's change. */
  rolloutPlanChange: (path: string) => call<RolloutChange>('rollout_plan_change', { path }),
  /** Writes a roll-out's plan as an Ansible inventory and playbook into a folder (refused when it holds them). */
  fleetExportAnsible: (plan: RolloutPlan, folder: string) =>
    call<AnsibleExport>('fleet_export_ansible', { plan, folder }),
  /** The incidents, newest first; each link says whether its record is gone or its alert cleared. */
  ticketsList: () => call<Ticket[]>('tickets_list'),
  ticketOpen: (ticket: NewTicket) => call<Ticket>('ticket_open', { new: ticket }),
  /** Opens an incident about a finding (its check id), an alert, a run, a change or a deployment (their numbers). */
  ticketOpenFrom: (kind: TicketLinkKind, id: string) => call<Ticket>('ticket_open_from', { kind, id }),
  ticketNote: (id: number, text: string) => call<Ticket>('ticket_note', { id, text }),
  ticketStatus: (id: number, to: TicketMove) => call<Ticket>('ticket_status', { id, to }),
  ticketLink: (id: number, kind: TicketLinkKind, item: string) => call<Ticket>('ticket_link', { id, kind, item }),
  /** The software installed, its end-of-life dates and what is worth retiring. */
  inventory: () => call<SoftwareInventory>('inventory'),
  /** Uses a newer end-of-life list (a file tools/endoflife-snapshot.py made). */
  inventoryImportEol: (path: string) => call<EolSource>('inventory_import_eol', { path }),
  /** What removing these packages of the retire list would do. */
  retirePreview: (names: string[]) => call<RetirePreview>('retire_preview', { names }),
  /** Asks where to save review `id`; null when cancelled. */
  chooseReviewFile: (format: ReportFormat, id: number) => call<string | null>('choose_review_file', { format, id }),
  /** The deployments of plans, newest first. */
  deployList: () => call<Deployment[]>('deploy_list'),
  /** Reads and checks the deployment plan in the file at `path`; installs nothing. */
  deployPlanFile: (path: string) => call<DeploymentPlan>('deploy_plan_file', { path }),
  /** Checks deployment `id`'s pilot now; a failed health check rolls it back. */
  deployCheck: (id: number) => call<Deployment>('deploy_check', { id }),
  /** Takes back everything deployment `id` installed. Asks for the password. */
  deployRollback: (id: number) => call<Deployment>('deploy_rollback', { id }),
  /** Puts another installed version of a program in /opt in use. Asks for the password. */
  installSwitch: (name: string, version: string) => call<UpdateRun>('install_switch', { name, version }),
  /** Past verifications, newest first. */
  verifyHistory: () => call<PastVerification[]>('verify_history'),
  publishersList: () => call<Publisher[]>('publishers_list'),
  /** What pinning `keyFile` under `name` would do; changes nothing. */
  publisherPreview: (name: string, keyFile: string) =>
    call<PinPreview>('publisher_preview', { name, keyFile }),
  /** `replace` must be true to pin over a different key under `name`. */
  publisherPin: (name: string, keyFile: string, replace: boolean) =>
    call<Publisher>('publisher_pin', { name, keyFile, replace }),
  publisherRemove: (name: string) => call<void>('publisher_remove', { name }),
  /** Every credential (never a secret); works while the keychain is locked. */
  vaultList: () => call<Credential[]>('vault_list'),
  /** Makes the records and the keychain agree; says what it repaired. */
  vaultCheck: () => call<CheckReport>('vault_check'),
  vaultAdd: (details: Details, secret: string) =>
    call<Credential>('vault_add', { details, secret }),
  /** Changes what is known about a credential, not its secret. */
  vaultEdit: (id: string, details: Details) => call<Credential>('vault_edit', { id, details }),
  /** The secret itself: the only call that returns one. Audited. */
  vaultReveal: (id: string) => call<string>('vault_reveal', { id }),
  /** Puts the secret on the clipboard and clears it after 30 s. Audited. */
  vaultCopy: (id: string) => call<void>('vault_copy', { id }),
  /** Replaces the secret and records today as its rotation date. */
  vaultRotate: (id: string, secret: string) => call<Credential>('vault_rotate', { id, secret }),
  vaultDelete: (id: string) => call<void>('vault_delete', { id }),
  /** A new random secret; nothing is stored. */
  vaultGenerate: (recipe: Recipe) => call<string>('vault_generate', { recipe }),
  /** How hard `secret` is to guess; `context` (name, username) counts against it. */
  vaultStrength: (secret: string, context: string[]) =>
    call<Strength>('vault_strength', { secret, context }),
  /** The Overview from the latest stored sample: paints at once. */
  healthOverview: () => call<Overview>('health_overview'),
  /** History of the last `hours` hours (raw points up to 24 h, 5-minute averages beyond). */
  healthHistory: (hours: number) => call<History>('health_history', { hours }),
  /** Open and recently cleared alerts, newest first. */
  alertsRecent: () => call<Alert[]>('alerts_recent'),
  alertAcknowledge: (id: number) => call<Alert>('alert_acknowledge', { id }),
  alertRules: () => call<Rule[]>('alert_rules'),
  alertRuleSet: (kind: RuleKind, change: RuleChange) =>
    call<Rule>('alert_rule_set', { kind, change }),
  /** Compares this computer with the accepted baseline; `null` when none was accepted yet. */
  baselineCheck: () => call<BaselineDiff | null>('baseline_check'),
  /** Accepts this computer as it is now as the new baseline. */
  baselineAccept: () => call<BaselineDiff>('baseline_accept'),
  /** The latest full scan; `null` before the first. */
  securityLatest: () => call<Scan | null>('security_latest'),
  /** Past scans, newest first (score trend). */
  securityHistory: () => call<PastScan[]>('security_history'),
  /** Writes the latest scan as a report to an absolute `path`; the export is logged. */
  securityReport: (format: ReportFormat, path: string) =>
    call<ReportSummary>('security_report', { format, path }),
  /** What fixing a check would change; nothing is changed. */
  securityFixPreview: (checkId: string) => call<Preview>('security_fix_preview', { checkId }),
  /** Fixes a check as previewed (refused when the computer changed since); backs up, applies, checks again. */
  securityFix: (checkId: string, seen: Preview) => call<FixOutcome>('security_fix', { checkId, seen }),
  /** Installs the package a fix needs (ufw for the firewall) from the signed package sources, then previews the fix again. Asks for the password. */
  securityFixInstall: (checkId: string) => call<Installed>('security_fix_install', { checkId }),
  /** Turns back a fix or an undo by its change number. */
  securityUndo: (change: number) => call<FixOutcome>('security_undo', { change }),
  /** Changes made by fixes and undos, newest first. */
  securityChanges: () => call<Change[]>('security_changes'),
  /** Accepts a finding as a risk until a date (YYYY-MM-DD), with a reason. */
  securityAccept: (checkId: string, reason: string, until: string) =>
    call<Acceptance>('security_accept', { checkId, reason, until }),
  /** Ends an acceptance: the finding counts again. */
  securityWithdraw: (checkId: string) => call<null>('security_withdraw', { checkId }),
  /** Every accepted risk, expired ones too. */
  securityAccepted: () => call<Acceptance[]>('security_accepted'),
  /** Opens the native save dialog for a report; `null` when the user closed it. */
  chooseReportFile: (format: ReportFormat) =>
    call<string | null>('choose_report_file', { format }),
  /**
   * The waiting updates, security first. `refresh` downloads fresh package
   * lists first, which asks for the administrator's password.
   */
  updatesCheck: (refresh: boolean) => call<Waiting>('updates_check', { refresh }),
  /** Every update run (installations, undos, repairs), newest first. */
  updatesHistory: () => call<UpdateRun[]>('updates_history'),
  /** Puts back the versions run `run` replaced and holds them there; with `config`, the configuration files it changed too, from the backup kept before it. Asks for the password. */
  updatesUndo: (run: number, config = false) => call<UpdateRun>('updates_undo', { run, config }),
  /** Finishes an installation that was interrupted part-way. Asks for the password. */
  updatesRepair: () => call<UpdateRun>('updates_repair'),
  /** The scheduled jobs with their next and last runs, as root last published them. */
  scheduleList: () => call<JobStatus[]>('schedule_list'),
  /** Adds, edits, pauses, resumes or removes a job. Asks for the password. */
  scheduleChange: (change: ScheduleChange) => call<null>('schedule_change', { change }),
  /** Runs job `id` now, whatever its schedule; resolves when the run ended. Asks for the password. */
  scheduleRun: (id: number) => call<ScheduledRun>('schedule_run', { id }),
  /** How the administrator is told about maintenance (the defaults when never saved). */
  notifySettings: () => call<NoticeSettings>('notify_settings'),
  /** Saves the notice settings; a password typed goes to the keychain, never to a file. */
  notifySave: (settings: NoticeSettings, password: string | null) =>
    call<NoticeSettings>('notify_save', { settings, password }),
  /** Sends a test message with the saved email settings; says to whom. */
  notifyTestEmail: () => call<string>('notify_test_email'),
  /** The backups, their copies and runs, as root last published them; asks for no password. */
  backupBoard: () => call<BackupBoard>('backup_board'),
  /** What a new backup copies unless told otherwise: the home folders and /etc, caches left out. */
  backupDefaults: () => call<BackupPlan>('backup_defaults'),
  /**
   * Makes a backup in `folder` (asks for the administrator's password); its
   * password is made and kept in the keychain as "Backup: NAME". `folder`
   * may be another computer, `sftp:USER@HOST[:PORT]:/folder`, with `trust`
   * the fingerprint of its host key the administrator confirmed (null for
   * a folder on this computer).
   */
  backupInit: (name: string, folder: string, plan: BackupPlan, trust: string | null) =>
    call<BackupRepository>('backup_init', { name, folder, plan, trust }),
  /**
   * Another computer's host key to compare (`to`: `sftp:USER@HOST[:PORT]:/folder`),
   * the one Shipshape trusts for it, and the line to add there; asks for the
   * administrator's password and trusts nothing.
   */
  backupHostKey: (to: string) => call<BackupHostKey>('backup_host_key', { to }),
  /** Looks at a backup server; with `trust` and `password`, trusts its certificate and keeps its account's password, then tries it. */
  backupServer: (to: string, trust: string | null, password: string | null) =>
    call<BackupServer>('backup_server', { to, trust, password }),
  /** The printable recovery sheet of backup `name`, with its password from the keychain. */
  backupRecoverySheet: (name: string) => call<RecoverySheet>('backup_recovery_sheet', { name }),
  /** Opens the native save dialog for the recovery sheet; `null` when the user closed it. */
  chooseRecoverySheetFile: (name: string) => call<string | null>('choose_recovery_sheet_file', { name }),
  /** Writes the recovery sheet of backup `name` to an absolute `path`; answers the path written. */
  backupRecoverySheetSave: (name: string, path: string) =>
    call<string>('backup_recovery_sheet_save', { name, path }),
  /** What is directly in `folder` in copy `snapshot` (its full id) of backup `name`. May ask for the password. */
  backupBrowse: (name: string, snapshot: string, folder: string) =>
    call<BackupEntry[]>('backup_browse', { name, snapshot, folder }),
  /**
   * The files and folders whose name holds `pattern` (any case) in copy
   * `snapshot` of backup `name`, at most 200. May ask for the password.
   */
  backupFind: (name: string, snapshot: string, pattern: string) =>
    call<BackupEntry[]>('backup_find', { name, snapshot, pattern }),
};

/**
 * A new Overview after each sample the app takes (every 5 seconds). Resolves
 * to the function that stops listening.
 */
export async function onHealth(cb: (overview: Overview) => void): Promise<() => void> {
  try {
    const unlisten = await listen<Overview>('health', (event) => cb(event.payload));
    return () => {
      unlisten();
    };
  } catch (err) {
    throw asAppError(err);
  }
}

/** A long-running task: follow its progress, await its result, cancel it. */
export interface Job<T> {
  readonly result: Promise<T>;
  cancel(): Promise<void>;
}

let jobCounter = 0;

function startJob<T>(
  command: Command,
  onProgress: (p: JobProgress) => void,
  args: Record<string, unknown> = {},
): Job<T> {
  jobCounter += 1;
  const job = `${command}-${Date.now()}-${jobCounter}`;
  const progress = new Channel<JobProgress>();
  progress.onmessage = onProgress;
  return {
    result: call<T>(command, { ...args, job, progress }),
    cancel: () => call<void>('cancel_job', { job }),
  };
}

export const jobs = {
  /** Runs every security check on this computer (about a second) and keeps the result. */
  securityScan: (onProgress: (p: JobProgress) => void) => startJob<Scan>('security_scan', onProgress),
  verifyAuditLog: (onProgress: (p: JobProgress) => void) =>
    startJob<Verdict>('verify_audit_log', onProgress),
  /** Checks a download; the verdict is also kept in the history and the log. */
  verifyFile: (request: VerifyRequest, onProgress: (p: JobProgress) => void) =>
    startJob<FileVerdict>('verify_file', onProgress, { request }),
  /**
   * Installs the chosen updates (asks for the password). Cancel works only
   * until the package manager starts; a failed installation resolves to a
   * run with outcome `failed`, it does not reject.
   */
  updatesApply: (choice: Choice, onProgress: (p: JobProgress) => void) =>
    startJob<UpdateRun>('updates_apply', onProgress, { choice }),
  /** Asks every computer for its report at once; progress counts computers answered. */
  fleetCheck: (onProgress: (p: JobProgress) => void) => startJob<FleetComputer[]>('fleet_check', onProgress),
  /**
   * Plans a roll-out and carries out its first rings; progress counts the
   * computers of a ring done. A halted roll-out resolves, it does not reject.
   */
  rolloutStart: (plan: RolloutPlan, onProgress: (p: JobProgress) => void) =>
    startJob<Rollout>('rollout_start', onProgress, { plan }),
  /** Goes on with a roll-out: after its soak, approving its next ring with `approve`. */
  rolloutContinue: (id: number, approve: boolean, onProgress: (p: JobProgress) => void) =>
    startJob<Rollout>('rollout_continue', onProgress, { id, approve }),
  /** Takes a roll-out back on every computer it changed. */
  rolloutRollback: (id: number, onProgress: (p: JobProgress) => void) =>
    startJob<Rollout>('rollout_rollback', onProgress, { id }),
  /** Removes packages of the retire list (asks for the password); undone from Maintenance's history. */
  retire: (names: string[], onProgress: (p: JobProgress) => void) =>
    startJob<UpdateRun>('retire', onProgress, { names }),
  /** What installing a package file would change (the file is hashed first); changes nothing. */
  installPreview: (ask: DebAsk, onProgress: (p: JobProgress) => void) =>
    startJob<DebPreview>('install_preview', onProgress, { ask }),
  /**
   * Installs a package file as root (asks for the password). Cancel works
   * only until the package manager starts; a failed installation is rolled
   * back and resolves to a run with outcome `failed`, it does not reject.
   */
  installDeb: (ask: DebAsk, onProgress: (p: JobProgress) => void) =>
    startJob<UpdateRun>('install_deb', onProgress, { ask }),
  /** What installing a package by name from the package sources would change; changes nothing. */
  installPackagePreview: (ask: PackageAsk, onProgress: (p: JobProgress) => void) =>
    startJob<PackagePreview>('install_package_preview', onProgress, { ask }),
  /** Installs a package by name from the package sources, as `installDeb` does a file. */
  installPackage: (ask: PackageAsk, onProgress: (p: JobProgress) => void) =>
    startJob<UpdateRun>('install_package', onProgress, { ask }),
  /** What installing a tarball or an AppImage into /opt would do (the file is hashed and read); changes nothing. */
  installProgramPreview: (ask: ProgramAsk, onProgress: (p: JobProgress) => void) =>
    startJob<ProgramPreview>('install_program_preview', onProgress, { ask }),
  /** Installs a tarball or an AppImage into /opt beside its other versions, as `installDeb` does a file. */
  installProgram: (ask: ProgramAsk, onProgress: (p: JobProgress) => void) =>
    startJob<UpdateRun>('install_program', onProgress, { ask }),
  /** Deploys `plan` as far as it goes without you (asks for the password). */
  deployStart: (plan: DeploymentPlan, onProgress: (p: JobProgress) => void) =>
    startJob<Deployment>('deploy_start', onProgress, { plan }),
  /** Deploys the plan of deployment `id` again. */
  deployRepeat: (id: number, onProgress: (p: JobProgress) => void) =>
    startJob<Deployment>('deploy_repeat', onProgress, { id }),
  /** Goes on with deployment `id`'s next stage, or promotes its pilot. */
  deployApprove: (id: number, onProgress: (p: JobProgress) => void) =>
    startJob<Deployment>('deploy_approve', onProgress, { id }),
  /** Counts the files and bytes `plan` would back up; changes nothing. */
  backupEstimate: (plan: BackupPlan, onProgress: (p: JobProgress) => void) =>
    startJob<BackupEstimate>('backup_estimate', onProgress, { plan }),
  /**
   * Backs up `name` now, as root (asks for the password); progress in bytes.
   * A backup that fails resolves to a run with its outcome and reason.
   */
  backupRun: (name: string, onProgress: (p: JobProgress) => void) =>
    startJob<BackupRun>('backup_run', onProgress, { name }),
  /** Restores a sample of `name` and compares it byte for byte, as root (asks for the password). */
  backupTest: (name: string, onProgress: (p: JobProgress) => void) =>
    startJob<BackupRun>('backup_test', onProgress, { name }),
  /**
   * Restores `path` from copy `snapshot` of backup `name`: read as root
   * (may ask for the password), written as the user. Nothing is overwritten:
   * what was in its place is moved aside and named in `kept`. Progress may
   * never come.
   */
  backupRestore: (
    name: string,
    snapshot: string,
    path: string,
    where: RestoreWhere,
    onProgress: (p: JobProgress) => void,
  ) => startJob<Restored>('backup_restore', onProgress, { name, snapshot, path, to: where }),
};

/**
 * Files dropped on the window. Tauri takes drops itself and hands over the
 * paths; `onHover` follows a drag over the window (true) and its end. Resolves
 * to the function that stops listening; rejects with an `AppError` when the
 * window may not listen.
 */
export async function onFileDrop(
  cb: (paths: string[]) => void,
  onHover?: (over: boolean) => void,
): Promise<() => void> {
  try {
    const unlisten = await getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload;
      if (p.type === 'drop') {
        onHover?.(false);
        if (p.paths.length > 0) cb(p.paths);
      } else if (p.type === 'leave') {
        onHover?.(false);
      } else {
        onHover?.(true);
      }
    });
    return () => {
      unlisten();
    };
  } catch (err) {
    throw asAppError(err);
  }
}
