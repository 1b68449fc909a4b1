//! A fixture computer for the health tests: a folder standing in for `/`
//! and canned answers for the programs health runs.

use shipshape_core::health::host::RunOutput;
use shipshape_core::health::{Host, Runner};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Answers `program` with its canned output; unknown programs are "not found".
#[derive(Debug, Clone, Default)]
pub struct FakeRunner {
    pub answers: HashMap<String, RunOutput>,
}

impl FakeRunner {
    pub fn answer(mut self, program: &str, stdout: &str) -> Self {
        self.answers.insert(
            program.into(),
            RunOutput {
                success: true,
                stdout: stdout.into(),
                stderr: String::new(),
            },
        );
        self
    }
}

impl Runner for FakeRunner {
    fn run(&self, program: &str, _args: &[&str]) -> std::io::Result<RunOutput> {
        self.answers
            .get(program)
            .cloned()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }
}

/// A folder laid out like `/`.
#[derive(Debug)]
pub struct Fixture {
    tmp: tempfile::TempDir,
}

impl Fixture {
    pub fn new() -> Self {
        Fixture {
            tmp: tempfile::tempdir().unwrap(),
        }
    }

    pub fn root(&self) -> &Path {
        self.tmp.path()
    }

    pub fn path(&self, absolute: &str) -> PathBuf {
        self.root().join(absolute.trim_start_matches('/'))
    }

    /// Writes `text` to `absolute` under the root, making folders.
    pub fn write(&self, absolute: &str, text: &str) -> &Self {
        let path = self.path(absolute);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// A symbolic link at `absolute` pointing to `target` (which need not exist).
    pub fn link(&self, absolute: &str, target: &str) -> &Self {
        let path = self.path(absolute);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, path).unwrap();
        self
    }

    pub fn host(&self, runner: FakeRunner) -> Host {
        Host::new(self.root().to_path_buf(), Box::new(runner))
    }
}
