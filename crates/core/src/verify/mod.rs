//! Proving that an installer is the one its publisher released: hashes,
//! checksum lists, signatures, and staging the exact bytes that were checked.

pub mod algorithm;

pub use algorithm::Algorithm;
