//! The SSH server's settings read the way sshd reads them.

use super::harden_fixture::Root;
use super::util::t0;
use shipshape_core::harden::check::{Finding, Status};
use shipshape_core::harden::sshd::{Problem, SshdConfig};
use shipshape_core::harden::{self};

fn root(main: &str) -> Root {
    let r = Root::hardened();
    r.file_mode("etc/ssh/sshd_config", main, 0o600);
    r
}

fn load(r: &Root) -> SshdConfig {
    SshdConfig::load(&r.host()).unwrap().unwrap()
}

fn run(r: &Root, id: &str) -> Finding {
    harden::scan(&r.host(), Some(id), t0())
        .unwrap()
        .checks
        .remove(0)
}

#[test]
fn included_files_are_read_in_name_order_and_the_first_value_wins() {
    let r = root("Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin yes\n");
    r.file(
        "etc/ssh/sshd_config.d/20-late.conf",
        "PermitRootLogin yes\n",
    )
    .file(
        "etc/ssh/sshd_config.d/10-early.conf",
        "\n# first\nPermitRootLogin no\n",
    )
    .file(
        "etc/ssh/sshd_config.d/10-early.conf.disabled",
        "PermitRootLogin yes\n",
    );
    let c = load(&r);
    let d = c.global("permitrootlogin").unwrap();
    assert_eq!(d.value, "no");
    assert_eq!(d.file, "etc/ssh/sshd_config.d/10-early.conf");
    assert_eq!(d.line, 3);
    let f = run(&r, "ssh.root_login");
    assert_eq!(f.status, Status::Pass, "{f:?}");
    assert_eq!(f.evidence[0].source, "/etc/ssh/sshd_config.d/10-early.conf");
    assert_eq!(f.evidence[0].line, Some(3));
}

#[test]
fn relative_includes_are_relative_to_etc_ssh() {
    let r = root("Include sshd_config.d/*.conf\n");
    r.file("etc/ssh/sshd_config.d/x.conf", "PermitEmptyPasswords yes\n");
    assert_eq!(run(&r, "ssh.empty_passwords").status, Status::Fail);
}

#[test]
fn keywords_ignore_case_and_odd_whitespace() {
    let r = root("\t  pErMiTrOoTlOgIn \t=   yes   # set by hand\nPasswordAuthentication\t\"no\"\n");
    let c = load(&r);
    assert_eq!(c.global("permitrootlogin").unwrap().value, "yes");
    assert_eq!(c.global("passwordauthentication").unwrap().value, "no");
    let f = run(&r, "ssh.root_login");
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.evidence[0].line, Some(1));
}

#[test]
fn match_blocks_apply_to_some_connections_only() {
    let r = root(
        "PasswordAuthentication no\nMatch User bob\n  PasswordAuthentication yes\nMatch all\n  X11Forwarding no\n",
    );
    let c = load(&r);
    assert_eq!(c.global("passwordauthentication").unwrap().value, "no");
    assert!(
        c.global("x11forwarding").is_none(),
        "a Match all line is not global"
    );
    let f = run(&r, "ssh.password_auth");
    assert_eq!(f.status, Status::Warning, "{f:?}");
    assert!(
        f.evidence.iter().any(|e| e.text.contains("Match User bob")),
        "{f:?}"
    );
}

#[test]
fn a_match_block_ends_with_its_included_file() {
    let r = root("Include /etc/ssh/sshd_config.d/*.conf\nX11Forwarding no\n");
    r.file(
        "etc/ssh/sshd_config.d/50-bob.conf",
        "Match User bob\nX11Forwarding yes\n",
    );
    let c = load(&r);
    assert_eq!(c.global("x11forwarding").unwrap().value, "no");
    assert_eq!(run(&r, "ssh.x11_forwarding").status, Status::Warning);
}

#[test]
fn an_include_loop_is_reported_not_followed() {
    let r = root("Include /etc/ssh/a.conf\nPermitRootLogin no\n");
    r.file("etc/ssh/a.conf", "Include /etc/ssh/b.conf\n")
        .file("etc/ssh/b.conf", "Include /etc/ssh/a.conf\n");
    let c = load(&r);
    assert!(
        matches!(&c.problems[..], [Problem::IncludeLoop(e)] if e.source == "/etc/ssh/b.conf"),
        "{:?}",
        c.problems
    );
    let sound = run(&r, "ssh.config_sound");
    assert_eq!(sound.status, Status::Fail);
    assert_eq!(sound.evidence[0].line, Some(1));
    // Other SSH checks refuse a verdict rather than judge a server that
    // would not start, and say why.
    let f = run(&r, "ssh.root_login");
    assert_eq!(f.status, Status::Error);
    assert!(f.detail.contains("loop"), "{f:?}");
    assert!(!f.evidence.is_empty());
}

#[test]
fn a_file_including_itself_is_a_loop() {
    let r = root("Include /etc/ssh/sshd_config\n");
    assert_eq!(run(&r, "ssh.config_sound").status, Status::Fail);
}

#[test]
fn duplicate_keys_with_different_values_are_shown() {
    let r = root("PermitRootLogin no\nX11Forwarding no\npermitrootlogin yes\nX11Forwarding no\n");
    let f = run(&r, "ssh.config_sound");
    assert_eq!(f.status, Status::Warning, "{f:?}");
    let lines: Vec<Option<u32>> = f.evidence.iter().map(|e| e.line).collect();
    assert_eq!(
        lines,
        vec![Some(1), Some(3)],
        "same values are not a conflict"
    );
    // sshd uses the first.
    assert_eq!(run(&r, "ssh.root_login").status, Status::Pass);
}

#[test]
fn a_missing_include_is_a_warning_but_an_empty_glob_is_fine() {
    let r = root("Include /etc/ssh/nothing-here/*.conf\nInclude /etc/ssh/gone.conf\n");
    let f = run(&r, "ssh.config_sound");
    assert_eq!(f.status, Status::Warning);
    assert_eq!(f.evidence.len(), 1);
    assert_eq!(f.evidence[0].line, Some(2));
}

#[test]
fn an_unreadable_included_file_is_an_error_with_its_name() {
    let r = root("Include /etc/ssh/broken.conf\n");
    // A folder where a file should be: even root cannot read it as text.
    r.dir("etc/ssh/broken.conf", 0o755);
    let f = run(&r, "ssh.root_login");
    assert_eq!(f.status, Status::Error, "{f:?}");
    assert_eq!(f.evidence[0].source, "/etc/ssh/broken.conf");
}

#[test]
fn weak_algorithms_inside_match_blocks_count_too() {
    let r = root("Match Address 10.0.0.0/8\n  Ciphers 3des-cbc\n");
    let f = run(&r, "ssh.ciphers");
    assert_eq!(f.status, Status::Fail);
    assert!(f.detail.contains("3des-cbc"));
}

#[test]
fn defaults_apply_when_a_setting_is_absent() {
    let r = root("# nothing set\n");
    // OpenSSH's defaults: passwords yes, root with keys only.
    assert_eq!(run(&r, "ssh.password_auth").status, Status::Fail);
    assert_eq!(run(&r, "ssh.root_login").status, Status::Warning);
    assert_eq!(run(&r, "ssh.max_auth_tries").status, Status::Fail);
    assert_eq!(run(&r, "ssh.empty_passwords").status, Status::Pass);
}

#[test]
fn an_include_inside_a_match_block_belongs_to_that_block() {
    let r = root("PermitRootLogin no\nMatch Group admins\n  Include /etc/ssh/admins.conf\n");
    r.file("etc/ssh/admins.conf", "PermitRootLogin yes\n");
    let c = load(&r);
    assert_eq!(c.global("permitrootlogin").unwrap().value, "no");
    let inside: Vec<_> = c.in_matches("permitrootlogin").collect();
    assert_eq!(inside.len(), 1);
    assert_eq!(inside[0].matched.as_deref(), Some("Group admins"));
    assert_eq!(run(&r, "ssh.root_login").status, Status::Warning);
}
