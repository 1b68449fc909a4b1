// The app's own commands go through Tauri's permission system: each gets an
// `allow-<command>` permission, and capabilities/ grants only what the
// window uses.
const COMMANDS: &[&str] = &[
    "app_status",
    "computer_facts",
    "audit_list",
    "audit_export",
    "choose_export_file",
    "verify_audit_log",
    "cancel_job",
    "verify_file",
    "verify_suggestions",
    "verify_history",
    "choose_file",
    "publishers_list",
    "publisher_preview",
    "publisher_pin",
    "publisher_remove",
    "vault_list",
    "vault_check",
    "vault_add",
    "vault_edit",
    "vault_reveal",
    "vault_copy",
    "vault_rotate",
    "vault_delete",
    "vault_generate",
    "vault_strength",
    "health_overview",
    "health_history",
    "alerts_recent",
    "alert_acknowledge",
    "alert_rules",
    "alert_rule_set",
    "baseline_check",
    "baseline_accept",
    "security_scan",
    "security_latest",
    "security_history",
    "security_report",
    "security_fix_preview",
    "security_fix",
    "security_undo",
    "security_changes",
    "security_accept",
    "security_withdraw",
    "security_accepted",
    "choose_report_file",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
