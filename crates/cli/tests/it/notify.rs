//! `shipshape notify` against real parts: a real SMTP server on loopback
//! (aiosmtpd) with a self-signed certificate, speaking STARTTLS or TLS and
//! taking one account; the password through a private gnome-keyring; a
//! real notification daemon (dunst on Xvfb) on the test's session bus; a
//! real failed run of a scheduled job in root's state.

use crate::keyring::{found_in_folder, keyring_test};
use crate::served::certificate;
use crate::util::{Run, TestDir};
use crate::vault::with_input;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const PASSWORD: &str = "mail-pw-4711";

/// The test's mail server, stopped by its process id when dropped.
struct Smtp {
    child: Child,
    port: u16,
    out: PathBuf,
}

impl Smtp {
    fn start(dir: &Path, mode: &str, port: u16) -> Smtp {
        let out = dir.join(format!("mail-{mode}"));
        std::fs::create_dir_all(&out).unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/smtp/server.py");
        let mut child = Command::new("/usr/bin/python3")
            .arg(script)
            .args(["--mode", mode, "--user", "office", "--password", PASSWORD])
            .arg("--cert")
            .arg(dir.join("cert.pem"))
            .arg("--key")
            .arg(dir.join("cert.key"))
            .arg("--out")
            .arg(&out)
            .args(["--port", &port.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3-aiosmtpd is installed (make deps)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| {
            let _ = child.kill();
            panic!("the SMTP server did not start: {line:?}")
        });
        Smtp { child, port, out }
    }

    /// The messages it accepted, in order, with quoted-printable's soft
    /// line breaks joined.
    fn mail(&self) -> Vec<String> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(&self.out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        found.sort();
        found
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap().replace("=\r\n", ""))
            .collect()
    }
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Xvfb and dunst on the test's session bus, stopped by their ids.
struct Desktop {
    x: Child,
    dunst: Child,
}

impl Desktop {
    fn start() -> Desktop {
        let mut x = Command::new("Xvfb")
            .args(["-displayfd", "1", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed (make deps)");
        let mut display = String::new();
        BufReader::new(x.stdout.take().unwrap())
            .read_line(&mut display)
            .unwrap();
        let dunst = Command::new("dunst")
            .env("DISPLAY", format!(":{}", display.trim()))
            .stderr(Stdio::null())
            .spawn()
            .expect("dunst is installed (make deps)");
        let desktop = Desktop { x, dunst };
        let started = Instant::now();
        while !Command::new("dunstctl")
            .arg("is-paused")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "dunst did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        desktop
    }

    /// Every notification shown so far, as dunst's history has it.
    fn shown(&self) -> String {
        Command::new("dunstctl").arg("close-all").output().unwrap();
        std::thread::sleep(Duration::from_millis(300));
        let out = Command::new("dunstctl").arg("history").output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        for child in [&mut self.dunst, &mut self.x] {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `shipshape ARGS` with root's state in the test's folder and the test
/// server's certificate trusted.
fn run(dir: &TestDir, args: &[&str]) -> Run {
    let mut cmd = dir.cmd(args);
    cmd.env("SHIPSHAPE_STATE_DIR", dir.root().join("state"))
        .env("SHIPSHAPE_SMTP_CA", dir.root().join("cert.pem"));
    Run::from(cmd.output().unwrap())
}

fn set_email(dir: &TestDir, port: u16, security: &str, password: &str) -> Run {
    let port = port.to_string();
    with_input(
        dir,
        &[
            "notify",
            "email",
            "--server",
            "localhost",
            "--port",
            &port,
            "--security",
            security,
            "--user",
            "office",
            "--from",
            "office@example.com",
            "--to",
            "boss@example.com,it@example.com",
        ],
        format!("{password}\n").as_bytes(),
    )
}

keyring_test! {
    fn email_settings_a_test_message_and_each_failure_in_plain_words() {
        let dir = TestDir::new();
        certificate(dir.root(), "cert");
        let smtp = Smtp::start(dir.root(), "starttls", 0);

        // Bad settings are refused before the password is asked for.
        set_email(&dir, smtp.port, "starttls", "")
            .code(2);
        with_input(&dir, &["notify", "email", "--server", "localhost", "--user", "office", "--from", "office@example.com", "--to", "nobody"], b"")
            .code(2)
            .fails_with("\"nobody\" is not an email address");
        with_input(&dir, &["notify", "email", "--server", "smtp example", "--user", "office", "--from", "office@example.com", "--to", "boss@example.com"], b"")
            .code(2)
            .fails_with("is not a mail server's name");
        run(&dir, &["notify", "test-email"])
            .code(2)
            .fails_with("Email notices are not set up");

        let set = set_email(&dir, smtp.port, "starttls", PASSWORD);
        set.success();
        assert!(set.stdout.contains("to boss@example.com, it@example.com"), "{set:?}");
        assert!(found_in_folder(dir.data(), PASSWORD.as_bytes()).is_empty());

        let sent = run(&dir, &["notify", "test-email"]);
        sent.success();
        assert!(sent.stdout.contains("A test message was sent to boss@example.com, it@example.com."), "{sent:?}");
        let mail = smtp.mail();
        assert_eq!(mail.len(), 1);
        assert!(mail[0].contains("X-Envelope-To: boss@example.com, it@example.com"), "{}", mail[0]);
        assert!(mail[0].contains("Subject: Shipshape test message from"), "{}", mail[0]);

        // The server's certificate is not trusted without the test's CA.
        let mut untrusted = dir.cmd(&["notify", "test-email"]);
        untrusted.env("SHIPSHAPE_STATE_DIR", dir.root().join("state"));
        Run::from(untrusted.output().unwrap())
            .code(2)
            .fails_with("could not be reached securely");

        set_email(&dir, smtp.port, "starttls", "not-the-password").success();
        run(&dir, &["notify", "test-email"])
            .code(2)
            .fails_with("refused the user name or password");
        // TLS against a server that speaks STARTTLS is a security mismatch.
        set_email(&dir, smtp.port, "tls", PASSWORD).success();
        run(&dir, &["notify", "test-email"])
            .code(2)
            .fails_with("could not be reached securely");

        let tls = Smtp::start(dir.root(), "tls", 0);
        set_email(&dir, tls.port, "tls", PASSWORD).success();
        run(&dir, &["notify", "test-email"]).success();
        assert_eq!(tls.mail().len(), 1);
        drop(tls);
        run(&dir, &["notify", "test-email"])
            .code(2)
            .fails_with("could not be reached");
        assert_eq!(smtp.mail().len(), 1, "nothing else was sent");

        let log = run(&dir, &["audit", "list", "--json"]);
        assert!(log.stdout.contains("notify.settings"), "{log:?}");
        assert!(log.stdout.contains("notify.email"), "{log:?}");
        assert!(!log.stdout.contains(PASSWORD));
        run(&dir, &["notify", "email", "--off"]).success();
        let shown = run(&dir, &["notify", "show"]);
        assert!(shown.stdout.contains("Email notices: off"), "{shown:?}");
    }
}

keyring_test! {
    fn a_failed_run_is_told_once_on_the_desktop_and_by_email_and_retried_when_mail_is_down() {
        let dir = TestDir::new();
        certificate(dir.root(), "cert");
        let desktop = Desktop::start();
        let smtp = Smtp::start(dir.root(), "starttls", 0);
        set_email(&dir, smtp.port, "starttls", PASSWORD).success();
        run(&dir, &["notify", "deliver"]).success();

        // A real run that fails: apt refuses the configuration it is given.
        let broken = dir.root().join("broken-apt.conf");
        std::fs::write(&broken, "this is { not apt\n").unwrap();
        let failed_run = || {
            let mut cmd = dir.cmd(&["schedule", "run", "1"]);
            cmd.env("SHIPSHAPE_STATE_DIR", dir.root().join("state"))
                .env("SHIPSHAPE_APT_CONFIG", &broken);
            Run::from(cmd.output().unwrap()).code(1);
        };
        run(&dir, &["schedule", "add", "--job", "update-check", "--at", "06:00"]).success();
        failed_run();

        let told = run(&dir, &["notify", "deliver"]);
        told.success();
        assert!(told.stdout.contains("Told: \u{201c}Check for updates\u{201d} failed on"), "{told:?}");
        let mail = smtp.mail();
        assert_eq!(mail.len(), 1);
        assert!(mail[0].contains("The package lists could not be refreshed"), "{}", mail[0]);
        assert!(desktop.shown().contains("failed on"), "{}", desktop.shown());

        let again = run(&dir, &["notify", "deliver"]);
        again.success();
        assert!(again.stdout.contains("Nothing new to tell."), "{again:?}");
        assert_eq!(smtp.mail().len(), 1);

        // Mail down: the desktop still tells, the email waits for the next delivery.
        let port = smtp.port;
        drop(smtp);
        failed_run();
        let down = run(&dir, &["notify", "deliver"]);
        down.code(1);
        assert!(down.stderr.contains("Not sent: The mail server localhost"), "{down:?}");
        assert!(down.stdout.contains("Told: "), "{down:?}");
        let back = Smtp::start(dir.root(), "starttls", port);
        run(&dir, &["notify", "deliver"]).success();
        assert_eq!(back.mail().len(), 2, "the second run's email, sent when the server is back");
    }
}
