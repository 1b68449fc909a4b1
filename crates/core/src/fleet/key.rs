//! The console's own SSH key for the office's computers: made once in the
//! data folder (`fleet/id_ed25519`, 0600 in a 0700 folder) with a
//! generated passphrase that is kept only in the keychain (credential
//! "Shipshape: office computers key"). While the console works, an
//! ssh-agent of its own holds the key, unlocked with the passphrase on
//! ssh-add's standard input; it is stopped by its process id when the
//! work ends, so the unlocked key lives no longer than that.

use crate::audit::{self, Actor, NewEntry};
use crate::program::Run;
use crate::ssh::{self, KEY_TYPE, LIMIT, SSH_KEYGEN};
use crate::store::Store;
use crate::vault::{self, Details, Keychain, Kind, Recipe, Vault};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The credential that keeps the key's passphrase.
pub const PASSPHRASE_NAME: &str = "Shipshape: office computers key";
const USED_BY: &str = "fleet.key";
const SSH_AGENT: &str = "/usr/bin/ssh-agent";
const SSH_ADD: &str = "/usr/bin/ssh-add";
const PASSPHRASE: Recipe = Recipe::Words { count: 6 };

/// The console's key in `data_dir/fleet`.
#[derive(Debug, Clone)]
pub struct ConsoleKey {
    folder: PathBuf,
}

impl ConsoleKey {
    pub fn in_data(data_dir: &Path) -> ConsoleKey {
        ConsoleKey {
            folder: data_dir.join("fleet"),
        }
    }

    pub fn key_file(&self) -> PathBuf {
        self.folder.join("id_ed25519")
    }

    pub fn public_file(&self) -> PathBuf {
        self.folder.join("id_ed25519.pub")
    }

    /// Makes the key unless it is there, its passphrase generated and kept
    /// in the keychain first (so a key is never left without one); `true`
    /// when it was made now.
    pub fn make_once(
        &self,
        store: &Store,
        keychain: &Keychain,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        if std::fs::symlink_metadata(self.key_file()).is_ok() {
            return Ok(false);
        }
        ssh::private_folder(&self.folder)?;
        let passphrase = vault::generate(&PASSPHRASE)?;
        let details = Details {
            name: PASSPHRASE_NAME.into(),
            kind: Kind::SshPassphrase,
            username: String::new(),
            url: String::new(),
            notes: "Unlocks the key Shipshape reaches the office's computers with. Without it, a new key must be made and added on each computer again.".into(),
            rotate_days: None,
        };
        Vault::new(store, keychain, actor).put(now, details, &passphrase)?;
        let comment = format!("shipshape-fleet@{}", crate::computer::hostname());
        let key = self.key_file().to_string_lossy().into_owned();
        let args = ["-q", "-t", "ed25519", "-C", &comment, "-f", &key];
        // The passphrase goes in on standard input (asked twice), never as
        // an argument other accounts could read.
        let twice = format!("{0}\n{0}\n", passphrase.expose());
        let out = Run::new(SSH_KEYGEN, &args, LIMIT)
            .input(twice.into_bytes())
            .finish()
            .map_err(|e| ssh::ssh_failed("make its SSH key", &e.to_string()))?;
        if !out.success() {
            let _ = std::fs::remove_file(self.key_file());
            return Err(ssh::ssh_failed("make its SSH key", out.stderr.trim()));
        }
        let fingerprint = ssh::fingerprint(&self.public_line()?)?;
        audit::append(
            store,
            now,
            actor,
            NewEntry::ok(
                "fleet.key",
                &self.key_file().to_string_lossy(),
                serde_json::json!({ "fingerprint": fingerprint }),
            ),
        )?;
        Ok(true)
    }

    /// The public key: `ssh-ed25519 BASE64 comment`.
    pub fn public_line(&self) -> Result<String> {
        let text = std::fs::read_to_string(self.public_file()).map_err(|_| {
            Error::new(
                ErrorCode::NotFound,
                "Shipshape has no key for the office's computers yet.",
                "Add a computer first (shipshape fleet add USER@HOST): the key is made then.",
            )
        })?;
        let line = text.trim();
        if !line.starts_with(KEY_TYPE) {
            return Err(Error::invalid_input(
                format!(
                    "{} is not an ED25519 public key.",
                    self.public_file().display()
                ),
                "Remove the fleet folder's key files and add a computer again to make a new key.",
            ));
        }
        Ok(line.to_string())
    }

    /// The line to add on each computer: the key, allowed to run only
    /// `shipshape fleet serve` (no shell, no forwarding).
    pub fn authorized_line(&self) -> Result<String> {
        Ok(format!(
            "restrict,command=\"shipshape fleet serve\" {}",
            self.public_line()?
        ))
    }

    /// Starts an agent holding the key, unlocked with its passphrase from
    /// the keychain.
    pub fn agent(
        &self,
        store: &Store,
        keychain: &Keychain,
        actor: &Actor,
        now: DateTime<Utc>,
    ) -> Result<Agent> {
        let passphrase = Vault::new(store, keychain, actor)
            .use_secret(now, PASSPHRASE_NAME, USED_BY)
            .map_err(|e| {
                Error::new(
                    e.code,
                    format!("The passphrase of Shipshape's key for the office's computers could not be read: {}", e.message),
                    e.hint,
                )
            })?;
        let agent = Agent::start()?;
        let key = self.key_file();
        let out = Run::new(
            SSH_ADD,
            &["-q", "-t", "3600", "--", &key.to_string_lossy()],
            LIMIT,
        )
        .env(
            "SSH_AUTH_SOCK",
            agent.socket().to_string_lossy().into_owned(),
        )
        .env("SSH_ASKPASS_REQUIRE", "never")
        .input(format!("{}\n", passphrase.expose()).into_bytes())
        .finish()
        .map_err(|e| ssh::ssh_failed("unlock its SSH key", &e.to_string()))?;
        if !out.success() {
            return Err(ssh::ssh_failed("unlock its SSH key", out.stderr.trim()));
        }
        Ok(agent)
    }
}

/// An ssh-agent of the console's own, on a socket in a private folder;
/// stopped by its process id when dropped.
#[derive(Debug)]
pub struct Agent {
    child: Child,
    folder: tempfile::TempDir,
}

impl Agent {
    fn start() -> Result<Agent> {
        let folder = tempfile::Builder::new()
            .prefix("shipshape-agent-")
            .tempdir()
            .map_err(|e| Error::io("create", Path::new("/tmp"), &e))?;
        let socket = folder.path().join("agent");
        let child = Command::new(SSH_AGENT)
            .arg("-D")
            .arg("-a")
            .arg(&socket)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| ssh::ssh_failed("start its SSH agent", &e.to_string()))?;
        let agent = Agent { child, folder };
        let started = Instant::now();
        while !socket.exists() {
            if started.elapsed() > Duration::from_secs(5) {
                return Err(ssh::ssh_failed(
                    "start its SSH agent",
                    "its socket did not appear",
                ));
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(agent)
    }

    pub fn socket(&self) -> PathBuf {
        self.folder.path().join("agent")
    }

    /// A private folder for ssh's shared connections, gone with the agent.
    pub fn folder(&self) -> &Path {
        self.folder.path()
    }
}

impl Drop for Agent {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
