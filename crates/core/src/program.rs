//! The one way core starts another program: a plain environment (system
//! folders on `PATH`, the C locale, nothing inherited), no input unless
//! given (a secret on standard input, never in the arguments or the
//! environment), a time limit after which it is stopped, a Cancel that
//! asks it to stop (SIGINT, then after a grace period SIGKILL), and a cap
//! on what is read back. Callers
//! keep their own allow-lists of what may run; nothing here takes a
//! command from a user or a file.

use std::io::Read;
use std::os::unix::process::CommandExt;
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
    Run::new(program, args, limit).finish()
}

/// How long a program asked to stop by `Run::stop_when` alone (no Cancel)
/// has to clean up before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(120);

/// One run of a program, for callers that need more than `run`: a few
/// named settings in its environment (apt's, say), a working folder, or
/// each line of its output as it comes.
#[derive(Debug)]
pub struct Run<'a> {
    program: &'a str,
    args: &'a [&'a str],
    limit: Duration,
    env: Vec<(&'a str, String)>,
    folder: Option<&'a std::path::Path>,
    input: Option<Input>,
    cancel: Option<(&'a crate::progress::Cancel, Duration)>,
    /// Set by the caller from what the program prints (it stopped making
    /// progress): asked to stop as on Cancel.
    stop: Option<&'a std::sync::atomic::AtomicBool>,
}

impl<'a> Run<'a> {
    pub fn new(program: &'a str, args: &'a [&'a str], limit: Duration) -> Self {
        Run {
            program,
            args,
            limit,
            env: Vec::new(),
            folder: None,
            input: None,
            cancel: None,
            stop: None,
        }
    }

    /// Writes `bytes` to the program's standard input, then closes it: how
    /// a password reaches a program without a file, an argument or the
    /// environment (all readable by others). The copy is wiped after.
    pub fn input(mut self, bytes: Vec<u8>) -> Self {
        self.input = Some(Input::Secret(zeroize::Zeroizing::new(bytes)));
        self
    }

    /// Writes `bytes` (no secret: a file's, shared by several programs at
    /// once without a copy each) to the program's standard input.
    pub fn input_shared(mut self, bytes: std::sync::Arc<[u8]>) -> Self {
        self.input = Some(Input::Shared(bytes));
        self
    }

    /// Once `cancel` is set, asks the program to stop (SIGINT to its
    /// group, so it can clean up), and kills it if it has not ended after
    /// `grace`. The run then ends as the program does (restic: 130).
    pub fn cancel(mut self, cancel: &'a crate::progress::Cancel, grace: Duration) -> Self {
        self.cancel = Some((cancel, grace));
        self
    }

    /// Also asks the program to stop (as `cancel` does, with its grace,
    /// else `STOP_GRACE`) once `stop` is set, for example by
    /// `finish_with_lines`'s `line`.
    pub fn stop_when(mut self, stop: &'a std::sync::atomic::AtomicBool) -> Self {
        self.stop = Some(stop);
        self
    }

    /// Adds `name=value` to the plain environment.
    pub fn env(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.env.push((name, value.into()));
        self
    }

    /// Runs the program in `folder`.
    pub fn in_folder(mut self, folder: &'a std::path::Path) -> Self {
        self.folder = Some(folder);
        self
    }

    /// Runs to the end; see `run`.
    pub fn finish(self) -> std::io::Result<Finished> {
        self.finish_with_lines(|_| {})
    }

    /// Runs to the end, handing each line of standard output to `line` as
    /// it is printed (for progress), and keeping it as `finish` does.
    pub fn finish_with_lines(mut self, mut line: impl FnMut(&str)) -> std::io::Result<Finished> {
        let mut command = Command::new(self.program);
        command
            .args(self.args)
            .env_clear()
            .env("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")
            .env("LC_ALL", "C")
            .stdin(if self.input.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // A group of its own: a Ctrl-C at the terminal is Shipshape's
            // to handle, never sent straight to apt or dpkg half-way.
            .process_group(0);
        for (name, value) in &self.env {
            command.env(name, value);
        }
        if let Some(folder) = self.folder {
            command.current_dir(folder);
        }
        let mut child = command.spawn()?;
        if let (Some(input), Some(mut stdin)) = (self.input.take(), child.stdin.take()) {
            // A thread, so a program that reads late never blocks this one.
            std::thread::spawn(move || {
                let bytes: &[u8] = match &input {
                    Input::Secret(b) => b,
                    Input::Shared(b) => b,
                };
                let _ = std::io::Write::write_all(&mut stdin, bytes);
            });
        }
        let group = rustix::process::Pid::from_child(&child);
        let mut asked_to_stop: Option<Instant> = None;
        let (lines_out, lines_in) = std::sync::mpsc::channel::<String>();
        // Read while waiting, so a large output never fills a pipe.
        let readers = [
            child
                .stdout
                .take()
                .map(|s| read_capped(Box::new(s), Some(lines_out))),
            child.stderr.take().map(|s| read_capped(Box::new(s), None)),
        ];
        let deadline = Instant::now() + self.limit;
        let status = loop {
            while let Ok(l) = lines_in.try_recv() {
                line(&l);
            }
            let stopping = self
                .stop
                .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed));
            let cancelled = self.cancel.is_some_and(|(cancel, _)| cancel.is_cancelled());
            if cancelled || stopping {
                let grace = self.cancel.map_or(STOP_GRACE, |(_, grace)| grace);
                match asked_to_stop {
                    None => {
                        let _ = rustix::process::kill_process_group(
                            group,
                            rustix::process::Signal::INT,
                        );
                        asked_to_stop = Some(Instant::now());
                    }
                    Some(at) if at.elapsed() > grace => {
                        let _ = rustix::process::kill_process_group(
                            group,
                            rustix::process::Signal::KILL,
                        );
                    }
                    Some(_) => {}
                }
            }
            match child.try_wait()? {
                Some(status) => break status,
                None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
                None => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::TimedOut,
                        format!(
                            "{} did not finish within {} s",
                            self.program,
                            self.limit.as_secs()
                        ),
                    ));
                }
            }
        };
        let [stdout, stderr] = readers.map(|r| {
            r.and_then(|handle| handle.join().ok())
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_default()
        });
        for l in lines_in.try_iter() {
            line(&l);
        }
        Ok(Finished {
            code: status.code(),
            stdout,
            stderr,
        })
    }
}

/// What a program is given on its standard input.
enum Input {
    /// Wiped after.
    Secret(zeroize::Zeroizing<Vec<u8>>),
    Shared(std::sync::Arc<[u8]>),
}

/// Never the bytes: a secret's would end up in a log.
impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Input::Secret(b) => write!(f, "Secret({} bytes)", b.len()),
            Input::Shared(b) => write!(f, "Shared({} bytes)", b.len()),
        }
    }
}

fn read_capped(
    mut from: Box<dyn Read + Send>,
    lines: Option<std::sync::mpsc::Sender<String>>,
) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut partial = Vec::new();
        let mut buf = [0u8; 64 * 1024];
        loop {
            match from.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = MAX_OUTPUT.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                    if let Some(lines) = &lines {
                        partial.extend_from_slice(&buf[..n]);
                        while let Some(end) = partial.iter().position(|&b| b == b'\n') {
                            let l: Vec<u8> = partial.drain(..=end).collect();
                            let _ = lines.send(String::from_utf8_lossy(&l[..end]).into_owned());
                        }
                        // A line that never ends is cut, as what is kept is.
                        if partial.len() > MAX_OUTPUT {
                            let l: Vec<u8> = std::mem::take(&mut partial);
                            let _ =
                                lines.send(String::from_utf8_lossy(&l[..MAX_OUTPUT]).into_owned());
                        }
                    }
                }
            }
        }
        if let (Some(lines), false) = (&lines, partial.is_empty()) {
            let _ = lines.send(String::from_utf8_lossy(&partial).into_owned());
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
    fn settings_folder_and_lines_are_given() {
        let dir = std::env::temp_dir();
        let mut seen = Vec::new();
        let out = Run::new(
            "/bin/sh",
            &["-c", "echo \"$APT_CONFIG\"; pwd; printf last"],
            Duration::from_secs(10),
        )
        .env("APT_CONFIG", "/x/apt.conf")
        .in_folder(&dir)
        .finish_with_lines(|l| seen.push(l.to_string()))
        .unwrap();
        let here = dir.canonicalize().unwrap();
        assert_eq!(seen, ["/x/apt.conf", here.to_str().unwrap(), "last"]);
        assert_eq!(out.stdout, format!("/x/apt.conf\n{}\nlast", here.display()));
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
