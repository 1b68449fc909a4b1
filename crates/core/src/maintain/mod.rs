//! Keeping this computer patched: which updates wait (`updates::check`),
//! installing them with what is needed to go back kept first
//! (`updates::apply`), and going back (`updates::undo`), and installing a package a fix needs
//! (`updates::install_needed`, only those `needed` lists). The package
//! manager itself is reached only through `apt`, which runs apt and dpkg
//! with a plain environment, a time limit and never a question asked.

pub mod apt;
pub mod jobs;
pub mod needed;
pub mod schedule;
pub mod updates;
