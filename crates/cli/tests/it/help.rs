//! Every command explains itself.

use crate::util::TestDir;

#[test]
fn every_command_has_help() {
    let dir = TestDir::new();
    for args in [
        vec!["--help"],
        vec!["help"],
        vec!["info", "--help"],
        vec!["audit", "--help"],
        vec!["install", "--help"],
        vec!["installs", "list", "--help"],
        vec!["audit", "list", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["audit", "export", "--help"],
        vec!["help", "audit", "export"],
    ] {
        let run = crate::util::Run::from(dir.bare().args(&args).output().unwrap());
        run.success();
        assert!(
            run.stdout.contains("Usage: shipshape"),
            "{args:?}: {run:#?}"
        );
        assert!(run.stderr.is_empty(), "{args:?}: {run:#?}");
    }
    // Help touches no data folder.
    assert!(!dir.data().exists());
    assert!(!dir.root().join("home/.local").exists());
}

#[test]
fn help_names_the_options_and_exit_codes() {
    let dir = TestDir::new();
    let out = |args: &[&str]| {
        let run = crate::util::Run::from(dir.bare().args(args).output().unwrap());
        run.success();
        run.stdout
    };
    let top = out(&["--help"]);
    for word in ["info", "audit", "--data-dir", "Exit codes"] {
        assert!(top.contains(word), "{word} missing from\n{top}");
    }
    let export = out(&["audit", "export", "--help"]);
    for word in [
        "--format",
        "<FILE>",
        "--since",
        "--until",
        "--action",
        "--outcome",
        "--search",
    ] {
        assert!(export.contains(word), "{word} missing from\n{export}");
    }
    assert!(out(&["audit", "list", "--help"]).contains("--json"));
    assert!(out(&["audit", "verify", "--help"]).contains("--json"));
    assert!(out(&["info", "--help"]).contains("--json"));
}

#[test]
fn version_prints_the_version() {
    let dir = TestDir::new();
    let run = crate::util::Run::from(dir.bare().arg("--version").output().unwrap());
    run.success();
    assert_eq!(
        run.stdout.trim(),
        format!("shipshape {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_mistakes_exit_2() {
    let dir = TestDir::new();
    for args in [
        vec![],
        vec!["frobnicate"],
        vec!["audit"],
        vec!["audit", "list", "--bogus"],
        vec!["audit", "list", "--outcome", "maybe"],
        vec!["audit", "export", "--format", "csv"],
        vec!["audit", "export", "out.csv"],
    ] {
        let run = crate::util::Run::from(dir.cmd(&args).output().unwrap());
        run.code(2);
        assert!(!run.stderr.is_empty(), "{args:?}: {run:#?}");
    }
}
