//! Integration tests for the `shipshape` binary: each test runs the built
//! program in a temporary data folder and checks its exit code and output.

#![allow(clippy::unwrap_used)]

mod access;
mod alerts;
mod audit;
mod backup;
mod backup_rest;
mod backup_sftp;
mod baseline;
mod concurrency;
mod config_before_updates;
mod data_dir;
mod deploy;
mod fleet;
mod health;
mod help;
mod helper;
mod incident;
mod info;
mod install;
mod install_deb;
mod install_harden;
mod install_package;
mod install_program;
mod inventory;
#[path = "../../../core/tests/it/keyring.rs"]
mod keyring;
mod notify;
mod power_cut;
mod schedule;
mod security;
mod served;
mod updates;
mod util;
mod vault;
mod verify;
