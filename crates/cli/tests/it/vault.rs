//! `shipshape vault` against a private gnome-keyring: secrets in through
//! standard input or a hidden prompt, out only to a terminal or on request,
//! bad input refused with nothing stored, and no secret in our files.

use crate::keyring::{found_in_folder, keyring_test, lock_keychain, secret_tool};
use crate::util::{Run, TestDir};
use serde_json::Value;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CANARY: &str = "canary-Xq81-vv03";

/// Runs `shipshape ARGS` with `input` on standard input.
pub fn with_input(dir: &TestDir, args: &[&str], input: &[u8]) -> Run {
    let mut child = dir
        .cmd(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that refuses before reading closes its input early.
    let written = child.stdin.take().unwrap().write_all(input);
    if let Err(e) = written {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    Run::from(child.wait_with_output().unwrap())
}

/// Runs `shipshape ARGS` on a pseudo-terminal (util-linux `script`),
/// answering each prompt in turn once the terminal shows it; returns what the
/// terminal showed. Typing before a prompt has turned echo off would show the
/// answer, so each answer waits for its prompt, however slow the machine.
fn on_terminal(dir: &TestDir, args: &[&str], answers: &[(&str, &str)]) -> Run {
    let mut line = format!(
        "{} --data-dir {}",
        env!("CARGO_BIN_EXE_shipshape"),
        dir.data().display()
    );
    for a in args {
        line.push_str(&format!(" '{a}'"));
    }
    let mut child = Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .env("HOME", dir.root().join("home"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let shown = Arc::new(Mutex::new(Vec::new()));
    let mut stdout = child.stdout.take().unwrap();
    let reader = {
        let shown = Arc::clone(&shown);
        std::thread::spawn(move || {
            let mut buf = [0u8; 512];
            while let Ok(n @ 1..) = stdout.read(&mut buf) {
                shown.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        })
    };
    let mut stdin = child.stdin.take().unwrap();
    let mut seen = 0;
    for (prompt, answer) in answers {
        seen = wait_for(&shown, seen, prompt);
        // The prompt is written just before echo is turned off.
        std::thread::sleep(Duration::from_millis(200));
        stdin.write_all(format!("{answer}\n").as_bytes()).unwrap();
    }
    // Input stays open until the program ends: an early end of input would
    // reach it as a typed Ctrl-D.
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("shipshape {args:?} still runs after a minute");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    reader.join().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let stdout = String::from_utf8_lossy(&shown.lock().unwrap()).into_owned();
    Run {
        code: status.code().unwrap_or(-1),
        stdout,
        stderr,
    }
}

/// Waits until `prompt` shows after byte `from`; returns where it ended.
fn wait_for(shown: &Mutex<Vec<u8>>, from: usize, prompt: &str) -> usize {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = shown.lock().unwrap().clone();
        let after = String::from_utf8_lossy(&text[from.min(text.len())..]).into_owned();
        if let Some(at) = after.find(prompt) {
            return from + at + prompt.len();
        }
        assert!(
            Instant::now() < deadline,
            "no prompt {prompt:?} in {after:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn list(dir: &TestDir) -> Vec<Value> {
    let run = dir.run(&["vault", "list", "--json"]);
    run.success();
    serde_json::from_str::<Vec<Value>>(&run.stdout).unwrap()
}

fn our_items() -> String {
    secret_tool(&["search", "--all", "service", "org.shipshape.console"])
}

keyring_test! {
    fn add_list_get_rotate_and_remove() {
        let dir = TestDir::new();
        let add = with_input(
            &dir,
            &["vault", "add", "Office Wi-Fi", "--user", "office", "--url", "router.local", "--kind", "wifi", "--rotate-days", "90"],
            format!("{CANARY}\n").as_bytes(),
        );
        add.success();
        assert!(add.stdout.contains("Added Office Wi-Fi"), "{add:?}");
        assert!(add.stdout.contains("Strength: "), "{add:?}");

        let listed = list(&dir);
        assert_eq!(listed.len(), 1);
        let c = &listed[0];
        assert_eq!(c["name"], "Office Wi-Fi");
        assert_eq!(c["kind"], "wi_fi");
        assert_eq!(c["username"], "office");
        assert_eq!(c["url"], "router.local");
        assert_eq!(c["rotate_days"], 90);
        assert_eq!(c["rotation"], "current");
        assert!(!serde_json::to_string(&listed).unwrap().contains(CANARY));
        let items = our_items();
        assert!(items.contains(&format!("secret = {CANARY}")), "{items}");
        assert!(items.contains("attribute.shipshape-url = router.local"), "{items}");

        // A pipe gets the secret only when asked.
        dir.run(&["vault", "get", "office wi-fi"])
            .code(2)
            .fails_with("not a terminal");
        let got = dir.run(&["vault", "get", "Office Wi-Fi", "--stdout"]);
        got.success();
        assert_eq!(got.stdout, format!("{CANARY}\n"));
        // A terminal gets it without asking.
        let shown = on_terminal(&dir, &["vault", "get", "Office Wi-Fi"], &[]);
        assert!(shown.stdout.contains(CANARY), "{shown:?}");

        with_input(&dir, &["vault", "rotate", "Office Wi-Fi"], b"second-secret\n").success();
        let got = dir.run(&["vault", "get", "Office Wi-Fi", "--stdout"]);
        assert_eq!(got.stdout, "second-secret\n");
        let rotated = dir.run(&["vault", "rotate", "Office Wi-Fi", "--generate", "--words", "5"]);
        rotated.success();
        let got = dir.run(&["vault", "get", "Office Wi-Fi", "--stdout"]);
        assert_eq!(got.stdout.trim().split('-').count(), 5, "{got:?}");

        dir.run(&["vault", "rm", "Office Wi-Fi"]).code(2).fails_with("--yes");
        assert_eq!(list(&dir).len(), 1);
        dir.run(&["vault", "rm", "Office Wi-Fi", "--yes"]).success();
        assert!(list(&dir).is_empty());
        assert!(!our_items().contains("secret = "), "{}", our_items());

        let actions: Vec<String> = dir
            .list()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            actions,
            ["vault.add", "vault.reveal", "vault.reveal", "vault.rotate", "vault.reveal", "vault.rotate", "vault.reveal", "vault.delete"]
        );
        let export = dir.root().join("activity.json");
        dir.run(&["audit", "export", "--format", "json", export.to_str().unwrap()]).success();
        assert_eq!(found_in_folder(dir.root(), CANARY.as_bytes()), Vec::<String>::new());
    }
}

keyring_test! {
    fn the_hidden_prompt_asks_twice_and_never_echoes() {
        let dir = TestDir::new();
        let run = on_terminal(
            &dir,
            &["vault", "add", "Router"],
            &[("Secret for Router: ", CANARY), ("Type it again: ", CANARY)],
        );
        assert!(run.stdout.contains("Secret for Router"), "{run:?}");
        assert!(run.stdout.contains("Added Router"), "{run:?}");
        assert!(!run.stdout.contains(CANARY), "the terminal showed the secret: {run:?}");
        let got = dir.run(&["vault", "get", "Router", "--stdout"]);
        assert_eq!(got.stdout, format!("{CANARY}\n"));

        let differ = on_terminal(
            &dir,
            &["vault", "add", "Printer"],
            &[("Secret for Printer: ", "one"), ("Type it again: ", "two")],
        );
        assert!(differ.stdout.contains("The two entries differ"), "{differ:?}");
        assert_eq!(list(&dir).len(), 1);
    }
}

keyring_test! {
    fn bad_input_is_refused_and_nothing_is_stored() {
        let dir = TestDir::new();
        with_input(&dir, &["vault", "add", "Router"], b"first\n").success();
        let cases: [(&[&str], Vec<u8>, &str); 7] = [
            (&["vault", "add", ""], b"x\n".to_vec(), "no name"),
            (&["vault", "add", "   "], b"x\n".to_vec(), "no name"),
            (&["vault", "add", "ROUTER"], b"x\n".to_vec(), "already exists"),
            (&["vault", "add", "Two lines"], b"a\nb\n".to_vec(), "line break"),
            (&["vault", "add", "Nul"], b"a\0b\n".to_vec(), "NUL"),
            (&["vault", "add", "Huge"], vec![b'x'; 1024 * 1024], "the limit is 8192 bytes"),
            (&["vault", "add", "Kind", "--kind", "banana"], b"x\n".to_vec(), "not a kind"),
        ];
        for (args, input, says) in cases {
            with_input(&dir, args, &input).code(2).fails_with(says);
        }
        with_input(&dir, &["vault", "add", "Empty"], b"\n").code(2).fails_with("empty");
        dir.run(&["vault", "get", "Nope", "--stdout"]).code(2).fails_with("no credential named");
        let names: Vec<Value> = list(&dir).iter().map(|c| c["name"].clone()).collect();
        assert_eq!(names, ["Router"]);
        assert_eq!(our_items().matches("secret = ").count(), 1, "{}", our_items());
    }
}

keyring_test! {
    fn a_locked_keychain_is_named_with_what_to_do() {
        let dir = TestDir::new();
        with_input(&dir, &["vault", "add", "Router"], b"first\n").success();
        lock_keychain();
        dir.run(&["vault", "get", "Router", "--stdout"])
            .code(2)
            .fails_with("Unlock your login keyring");
        with_input(&dir, &["vault", "rotate", "Router"], b"second\n")
            .code(2)
            .fails_with("keychain is locked");
        // The list needs only the records.
        assert_eq!(list(&dir).len(), 1);
    }
}

#[test]
fn generate_prints_a_new_secret_and_refuses_odd_recipes() {
    let dir = TestDir::new();
    let a = dir.run(&["vault", "generate", "--length", "32"]);
    a.success();
    assert_eq!(a.stdout.trim_end().len(), 32);
    assert!(a.stderr.contains("Strength: Very strong"), "{a:?}");
    let b = dir.run(&["vault", "generate", "--length", "32"]);
    assert_ne!(a.stdout, b.stdout);
    let words = dir.run(&["vault", "generate", "--words", "6"]);
    assert_eq!(words.stdout.trim_end().split('-').count(), 6);
    let plain = dir.run(&["vault", "generate", "--no-symbols"]);
    assert!(plain.stdout.trim_end().chars().all(char::is_alphanumeric));
    dir.run(&["vault", "generate", "--length", "4"])
        .code(2)
        .fails_with("8 to 128");
    dir.run(&["vault", "generate", "--words", "40"])
        .code(2)
        .fails_with("3 to 12");
}
