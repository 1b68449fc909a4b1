//! Proving that an installer is the one its publisher released: hashes,
//! checksum lists, signatures, and staging the exact bytes that were checked.

pub mod algorithm;
pub mod file;
pub mod hash;
pub mod history;
mod mapped;
pub mod publishers;
pub mod request;
pub mod signature;
pub mod staging;
pub mod sums;
pub mod verdict;

pub use algorithm::Algorithm;
