//! Integration tests for shipshape-core: the store, the audit log and the
//! atomic file writer, against a real SQLite database in a temporary folder.

#![allow(clippy::unwrap_used)]

mod atomic_file;
mod audit_export;
mod audit_list;
mod audit_verify;
mod concurrency;
mod harden_checks;
mod harden_fixture;
mod harden_scan;
mod harden_sshd;
mod signature;
mod store;
mod tamper_prop;
mod util;
mod verify_prop;
