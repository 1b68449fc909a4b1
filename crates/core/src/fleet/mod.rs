//! The office's computers, reached with the system's OpenSSH, no agent of
//! our own: each enrolled by address once its host key's fingerprint is
//! confirmed (`computers`), then reached with strict host key checking
//! against Shipshape's own known_hosts and the console's own key, whose
//! passphrase is in the keychain and loaded into an ssh-agent only while
//! the console works (`key`). On the other computer, the key may run only
//! `shipshape fleet serve`, which runs only the Shipshape commands it
//! allows (`serve`); what comes back is JSON read into the same types as
//! here (`report`), never code or markup, so a computer that lies can
//! only lie about itself. `connect` runs them, several computers at once.
//! `rollout` carries one change to them ring by ring: a pilot, then
//! waves, with a soak, health gates, approval, a halt and a rollback;
//! `ansible` writes the same plan as an Ansible inventory and playbook;
//! `prepare` makes an office computer ready: the console's own account,
//! whose sudo rights reach Shipshape's helper alone; `setup` installs
//! Shipshape there from the console first, where it is not yet.

pub mod ansible;
pub mod computers;
pub mod connect;
pub mod key;
pub mod prepare;
pub mod report;
pub mod rollout;
pub mod serve;
pub mod setup;
