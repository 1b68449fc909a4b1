//! The office's records of how its computers are kept: who may log in
//! and act as administrator, reviewed and signed off; what went wrong
//! and who handles it; what software runs and how long it is supported.

pub mod access;
pub(crate) mod deb_version;
pub mod eol;
pub mod inventory;
pub mod keys;
pub mod retire;
pub mod review;
pub mod sudoers;
pub mod tickets;
