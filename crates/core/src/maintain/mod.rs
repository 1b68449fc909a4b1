//! Keeping this computer patched: which updates wait (`updates::check`),
//! installing them with what is needed to go back kept first
//! (`updates::apply`), going back (`updates::undo`), and installing a
//! package a fix needs (`updates::install_needed`, only those `needed`
//! lists), with /etc and the package lists backed up first where a backup
//! asks for it (`kept_config`), so an undo can put the configuration back
//! too. The package manager itself is reached only through `apt`, which
//! runs apt and dpkg with a plain environment, a time limit and never a
//! question asked. Scheduled jobs (`jobs`, `schedule`) run them
//! unattended; `notify` tells the administrator what came of it, by
//! `desktop` and `email`.

pub mod apt;
pub mod conditions;
pub mod desktop;
pub mod email;
pub mod jobs;
pub mod kept_config;
pub mod needed;
pub mod notify;
pub mod rpm;
pub mod schedule;
pub mod updates;
