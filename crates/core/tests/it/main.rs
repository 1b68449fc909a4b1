//! Integration tests for shipshape-core: the store, the audit log and the
//! atomic file writer, against a real SQLite database in a temporary folder.

#![allow(clippy::unwrap_used)]

mod api_baseline;
mod api_security;
mod atomic_file;
mod audit_export;
mod audit_list;
mod audit_verify;
mod concurrency;
mod harden_checks;
mod harden_fix;
mod harden_fixture;
mod harden_scan;
mod harden_sshd;
mod health_alerts;
mod health_baseline;
mod health_fixture;
mod health_history;
mod health_sample;
mod health_sockets;
mod keyring;
mod maintain_jobs;
mod maintain_metered;
mod signature;
mod store;
mod tamper_prop;
mod util;
mod vault;
mod verify_prop;
