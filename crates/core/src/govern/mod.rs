//! The office's records of how its computers are kept: who may log in
//! and act as administrator, reviewed and signed off.

pub mod access;
pub mod keys;
pub mod review;
pub mod sudoers;
