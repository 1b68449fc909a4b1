//! The computer health reads: a root folder (`/` for this computer, a
//! fixture folder in tests) and a way to run the few programs whose answers
//! are not in a file (`who`, `journalctl`).

use std::fmt::Debug;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a program printed, and whether it succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutput {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs a program with arguments. Tests hand in canned answers.
pub trait Runner: Debug + Send + Sync {
    fn run(&self, program: &str, args: &[&str]) -> std::io::Result<RunOutput>;
}

/// The programs health reads from: both only read.
const READ_ONLY_PROGRAMS: &[&str] = &["who", "journalctl"];

/// How long one reading waits for a program.
const TIME_LIMIT: Duration = Duration::from_secs(20);

/// Runs the allow-listed programs on this computer, through core's one
/// program runner (plain environment, time limit, capped output).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemRunner;

impl Runner for SystemRunner {
    fn run(&self, program: &str, args: &[&str]) -> std::io::Result<RunOutput> {
        if !READ_ONLY_PROGRAMS.contains(&program) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                format!("{program} is not a program health reads from"),
            ));
        }
        let out = crate::program::run(program, args, TIME_LIMIT)?;
        Ok(RunOutput {
            success: out.code == Some(0),
            stdout: out.stdout,
            stderr: out.stderr,
        })
    }
}

/// Where to read the computer from.
#[derive(Debug)]
pub struct Host {
    root: PathBuf,
    runner: Box<dyn Runner>,
}

impl Host {
    /// This computer: files under `/`, real programs.
    pub fn this_computer() -> Self {
        Self::new(PathBuf::from("/"), Box::new(SystemRunner))
    }

    pub fn new(root: PathBuf, runner: Box<dyn Runner>) -> Self {
        Host { root, runner }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `absolute` (like "/proc/meminfo") under the root folder.
    pub fn path(&self, absolute: impl AsRef<Path>) -> PathBuf {
        under(&self.root, absolute.as_ref())
    }

    /// A text file under the root folder: a regular file only, read
    /// within core's cap, so a FIFO or a device never hangs a reading.
    pub fn read(&self, absolute: &str) -> std::io::Result<String> {
        crate::host_file::read_text(&self.path(absolute), true)
    }

    pub fn run(&self, program: &str, args: &[&str]) -> std::io::Result<RunOutput> {
        self.runner.run(program, args)
    }
}

/// `absolute` under `root`: `Path::join` would replace the root instead.
pub(crate) fn under(root: &Path, absolute: &Path) -> PathBuf {
    let relative = absolute.strip_prefix("/").unwrap_or(absolute);
    if relative.as_os_str().is_empty() {
        root.to_path_buf()
    } else {
        root.join(relative)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn absolute_paths_stay_under_the_root() {
        let root = Path::new("/tmp/fixture");
        assert_eq!(
            under(root, Path::new("/proc/meminfo")),
            Path::new("/tmp/fixture/proc/meminfo")
        );
        assert_eq!(under(root, Path::new("/")), root);
        assert_eq!(under(Path::new("/"), Path::new("/etc")), Path::new("/etc"));
    }

    #[test]
    fn a_fifo_or_a_device_is_refused_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("var/log")).unwrap();
        rustix::fs::mknodat(
            rustix::fs::CWD,
            dir.path().join("var/log/auth.log"),
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let host = Host::new(dir.path().to_path_buf(), Box::new(SystemRunner));
        let err = host.read("/var/log/auth.log").err();
        assert!(err.is_some_and(|e| e.to_string().contains("FIFO")));
        assert!(Host::this_computer().read("/dev/zero").is_err());
    }
}
