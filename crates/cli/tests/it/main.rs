//! Integration tests for the `shipshape` binary: each test runs the built
//! program in a temporary data folder and checks its exit code and output.

#![allow(clippy::unwrap_used)]

mod audit;
mod concurrency;
mod data_dir;
mod help;
mod info;
mod security;
mod util;
mod verify;
