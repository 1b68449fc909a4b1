//! The one way core starts another program: a plain environment (system
//! folders on `PATH`, the C locale, nothing inherited), no input, a time
//! limit after which it is stopped, and a cap on what is read back. Callers
//! keep their own allow-lists of what may run; nothing here takes a
//! command from a user or a file.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The most of each output stream that is kept; the rest is read and
/// dropped, so a chatty program neither fills memory nor blocks.
pub const MAX_OUTPUT: usize = 16 * 1024 * 1024;

/// How a program ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The exit code; `None` when a signal ended it.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Finished {
    /// It ended by itself with exit code 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// Runs `program` with `args` to its end, or stops it after `limit`
/// (then the error's kind is `TimedOut`).
pub fn run(program: &str, args: &[&str], limit: Duration) -> std::io::Result<Finished> {
    let mut child = Command::new(program)
        .args(args)
        .env_clear()
        .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    // Read while waiting, so a large output never fills a pipe.
    let readers = [
        child.stdout.take().map(|s| read_capped(Box::new(s))),
        child.stderr.take().map(|s| read_capped(Box::new(s))),
    ];
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait()? {
            Some(status) => break status,
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("{program} did not finish within {} s", limit.as_secs()),
                ));
            }
        }
    };
    let [stdout, stderr] = readers.map(|r| {
        r.and_then(|handle| handle.join().ok())
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            .unwrap_or_default()
    });
    Ok(Finished {
        code: status.code(),
        stdout,
        stderr,
    })
}

fn read_capped(mut from: Box<dyn Read + Send>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = MAX_OUTPUT.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        }
        kept
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_program_gets_a_plain_environment_and_its_output_is_read() {
        let out = run(
            "/bin/sh",
            &[
                "-c",
                "echo \"$PATH|$LC_ALL|${HOME:-none}\"; echo err >&2; exit 3",
            ],
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(out.code, Some(3));
        assert_eq!(out.stdout, "/usr/sbin:/usr/bin:/sbin:/bin|C|none\n");
        assert_eq!(out.stderr, "err\n");
    }

    #[test]
    fn a_program_that_runs_too_long_is_stopped() {
        let err = run("/bin/sleep", &["30"], Duration::from_millis(200)).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::TimedOut);
    }

    #[test]
    fn output_beyond_the_cap_is_dropped_without_blocking() {
        let script = format!("head -c {} /dev/zero", MAX_OUTPUT + 1_000_000);
        let out = run("/bin/sh", &["-c", &script], Duration::from_secs(30)).unwrap();
        assert_eq!(out.code, Some(0));
        assert_eq!(out.stdout.len(), MAX_OUTPUT);
    }
}
