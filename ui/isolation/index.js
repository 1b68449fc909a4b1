// Tauri's isolation pattern: every IPC message from the UI passes through
// this sandboxed frame before it reaches the app. Only the app's own
// commands (and Tauri's plugin protocol for channels) may pass.
const allowed = new Set([
  'app_status',
  'computer_facts',
  'audit_list',
  'audit_export',
  'choose_export_file',
  'verify_audit_log',
  'cancel_job',
  'verify_file',
  'verify_suggestions',
  'verify_history',
  'choose_file',
  'publishers_list',
  'publisher_preview',
  'publisher_pin',
  'publisher_remove',
  'vault_list',
  'vault_check',
  'vault_add',
  'vault_edit',
  'vault_reveal',
  'vault_copy',
  'vault_rotate',
  'vault_delete',
  'vault_generate',
  'vault_strength',
  'health_overview',
  'health_history',
  'alerts_recent',
  'alert_acknowledge',
  'alert_rules',
  'alert_rule_set',
  'baseline_check',
  'baseline_accept',
  'security_scan',
  'security_latest',
  'security_history',
  'security_report',
  'security_fix_preview',
  'security_fix',
  'security_undo',
  'security_changes',
  'security_accept',
  'security_withdraw',
  'security_accepted',
  'choose_report_file',
]);

window.__TAURI_ISOLATION_HOOK__ = (payload) => {
  const cmd = payload && payload.cmd;
  if (typeof cmd !== 'string') return payload;
  if (allowed.has(cmd) || cmd.startsWith('plugin:')) return payload;
  // Renamed rather than dropped, so the caller gets the app's "unknown
  // command" error instead of a promise that never settles.
  return { ...payload, cmd: `refused:${cmd}` };
};
