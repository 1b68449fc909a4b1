//! A fixture computer for the health tests: a folder standing in for `/`
//! and canned answers for the programs health runs.

use shipshape_core::host::{FixtureRunner, Host};
use std::path::{Path, PathBuf};

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

    pub fn host(&self, runner: FixtureRunner) -> Host {
        Host::new(self.root().to_path_buf(), Box::new(runner))
    }
}
