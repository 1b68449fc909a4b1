//! Fixes on fixture computers: every fix makes its check pass, undo puts
//! back every byte, mode and owner, and undoing the undo fixes again. Then
//! the faults: a file changed after the fix, a preview that no longer
//! holds, a fix stopped midway, no room for the backup, the lockout guard.

use super::harden_checks::CASES;
use super::harden_fixture::Root;
use super::util::{TestDir, actor, t0};
use shipshape_core::ErrorCode;
use shipshape_core::audit::{self, Filter};
use shipshape_core::harden::check::Status;
use shipshape_core::harden::fix::backup::Backups;
use shipshape_core::harden::fix::change::{self, Step};
use shipshape_core::harden::fix::{self, FixOutcome};
use shipshape_core::harden::{self, accepted};
use shipshape_core::store::Store;
use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

/// Every file and folder under a root: content, mode, owner.
type Snapshot = BTreeMap<String, (Vec<u8>, u32, u32, u32)>;

fn snapshot(root: &Path) -> Snapshot {
    let mut out = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            let meta = std::fs::symlink_metadata(&p).unwrap();
            let bytes = if meta.is_file() {
                std::fs::read(&p).unwrap()
            } else if meta.file_type().is_symlink() {
                std::fs::read_link(&p)
                    .unwrap()
                    .into_os_string()
                    .into_encoded_bytes()
            } else {
                todo.push(p.clone());
                Vec::new()
            };
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            out.insert(rel, (bytes, meta.mode(), meta.uid(), meta.gid()));
        }
    }
    out
}

/// A way in that the lockout guard accepts: alice (sudo) has an SSH key.
fn with_key(root: &Root) {
    root.file_mode(
        "home/alice/.ssh/authorized_keys",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBz alice@laptop\n",
        0o600,
    );
}

struct Bench {
    dir: TestDir,
    store: Store,
    backups: Backups,
}

impl Bench {
    fn new() -> Bench {
        let dir = TestDir::new();
        let store = dir.open();
        let backups = Backups::open(dir.data()).unwrap();
        Bench {
            dir,
            store,
            backups,
        }
    }

    fn fix(&self, root: &Root, id: &str) -> shipshape_core::Result<FixOutcome> {
        fix::fix(
            &self.store,
            &self.backups,
            &root.host(),
            id,
            None,
            &actor(),
            t0(),
        )
    }

    fn undo(&self, id: i64) -> shipshape_core::Result<FixOutcome> {
        fix::undo(&self.store, &self.backups, id, &actor(), t0())
    }

    /// Accepts the X11 forwarding finding until the end of January 2027.
    fn accept_x11(&self) -> shipshape_core::Result<accepted::Acceptance> {
        accepted::accept(
            &self.store,
            "ssh.x11_forwarding",
            "The design team forwards a CAD viewer",
            "2027-01-31",
            &actor(),
            t0(),
        )
    }
}

/// The failing fixture of a check, with a way in for the guard.
fn failing(id: &str) -> Root {
    let case = CASES.iter().find(|c| c.id == id).unwrap();
    let mut root = Root::hardened();
    with_key(&root);
    (case.pass)(&mut root);
    (case.fail)(&mut root);
    root
}

#[test]
fn every_fix_passes_then_undo_restores_every_byte_then_redo_passes() {
    let fixable = fix::fixable_ids();
    assert!(fixable.len() >= 40, "only {} fixes", fixable.len());
    let mut problems = Vec::new();
    for id in fixable {
        let Some(case) = CASES.iter().find(|c| c.id == id) else {
            problems.push(format!("{id}: no fixture"));
            continue;
        };
        let root = failing(id);
        let bench = Bench::new();
        let before = snapshot(root.path());
        let preview = fix::preview(&root.host(), id).unwrap();
        assert!(!preview.steps.is_empty(), "{id}: empty preview");
        let fixed = match bench.fix(&root, id) {
            Ok(o) => o,
            Err(e) => {
                problems.push(format!("{id}: fix failed: {}", e.message));
                continue;
            }
        };
        if fixed.recheck.status != Status::Pass {
            problems.push(format!(
                "{id}: after the fix the check says {:?}: {}",
                fixed.recheck.status, fixed.recheck.detail
            ));
        }
        let after = snapshot(root.path());
        let undone = bench.undo(fixed.change.id).unwrap();
        if snapshot(root.path()) != before {
            problems.push(format!("{id}: undo did not restore the root exactly"));
        }
        if undone.recheck.status != case.fails_as {
            problems.push(format!(
                "{id}: after undo the check says {:?}",
                undone.recheck.status
            ));
        }
        let redone = bench.undo(undone.change.id).unwrap();
        if snapshot(root.path()) != after || redone.recheck.status != Status::Pass {
            problems.push(format!("{id}: undoing the undo did not fix it again"));
        }
        let first = change::get(&bench.store, fixed.change.id).unwrap();
        assert_eq!(first.undone_by, Some(undone.change.id));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_service_fix_removes_its_boot_links_and_undo_puts_them_back() {
    let bench = Bench::new();
    let root = failing("services.avahi");
    let link = "etc/systemd/system/multi-user.target.wants/avahi-daemon.service";
    let preview = fix::preview(&root.host(), "services.avahi").unwrap();
    assert_eq!(
        preview.steps[0].command,
        "systemctl disable avahi-daemon.service"
    );
    let fixed = bench.fix(&root, "services.avahi").unwrap();
    assert!(std::fs::symlink_metadata(root.at(link)).is_err());
    // Someone enabled it again meanwhile: undo leaves their link alone.
    root.link(link, "/lib/systemd/system/avahi-daemon.service");
    let err = bench.undo(fixed.change.id).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    root.remove(link);
    bench.undo(fixed.change.id).unwrap();
    assert_eq!(
        std::fs::read_link(root.at(link)).unwrap(),
        Path::new("/usr/lib/systemd/system/avahi-daemon.service")
    );
}

#[test]
fn fixes_and_undos_are_audited() {
    let bench = Bench::new();
    let root = failing("ssh.x11_forwarding");
    let fixed = bench.fix(&root, "ssh.x11_forwarding").unwrap();
    bench.undo(fixed.change.id).unwrap();
    let actions: Vec<String> = audit::list(&bench.store, &Filter::default())
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(actions.contains(&"security.fix".to_string()), "{actions:?}");
    assert!(
        actions.contains(&"security.undo".to_string()),
        "{actions:?}"
    );
}

#[test]
fn the_preview_shows_a_diff_and_changes_nothing() {
    let root = failing("ssh.x11_forwarding");
    let before = snapshot(root.path());
    let p = fix::preview(&root.host(), "ssh.x11_forwarding").unwrap();
    assert_eq!(snapshot(root.path()), before);
    let diff = &p.steps[0].diff;
    let has = |sign: char, words: &str| {
        diff.lines().any(|l| {
            l.starts_with(sign)
                && l.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .ends_with(words)
        })
    };
    assert!(
        has('+', "X11Forwarding no") && has('-', "X11Forwarding yes"),
        "{diff}"
    );
    let perms = fix::preview(&failing("files.shadow").host(), "files.shadow").unwrap();
    assert!(
        perms.steps[0].command.starts_with("chmod 0640 /etc/shadow"),
        "{:?}",
        perms.steps
    );
    let kernel = fix::preview(&failing("kernel.aslr").host(), "kernel.aslr").unwrap();
    assert!(
        kernel
            .steps
            .iter()
            .any(|s| s.command == "sysctl -w kernel.randomize_va_space=2")
    );
}

#[test]
fn undo_refuses_a_file_changed_since_and_writes_nothing() {
    let bench = Bench::new();
    let root = failing("ssh.x11_forwarding");
    let fixed = bench.fix(&root, "ssh.x11_forwarding").unwrap();
    let file = fixed
        .change
        .steps
        .iter()
        .find_map(|s| match s {
            Step::File { path, .. } => Some(path.clone()),
            _ => None,
        })
        .unwrap();
    root.append(&file, "# edited by hand");
    let edited = snapshot(root.path());
    let err = bench.undo(fixed.change.id).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "{}", err.message);
    assert!(err.message.contains("was changed after"), "{}", err.message);
    assert_eq!(snapshot(root.path()), edited);
    assert_eq!(change::list(&bench.store, 10).unwrap().len(), 1);
    let failed = audit::list(&bench.store, &Filter::default())
        .unwrap()
        .into_iter()
        .any(|e| e.action == "security.undo" && e.reason.is_some());
    assert!(failed, "the refused undo is audited");
}

#[test]
fn a_fix_whose_preview_no_longer_holds_is_refused() {
    let bench = Bench::new();
    let root = failing("ssh.x11_forwarding");
    let seen = fix::preview(&root.host(), "ssh.x11_forwarding").unwrap();
    root.append(
        "etc/ssh/sshd_config.d/10-local.conf",
        "# someone else was here",
    );
    let changed = snapshot(root.path());
    let err = fix::fix(
        &bench.store,
        &bench.backups,
        &root.host(),
        "ssh.x11_forwarding",
        Some(&seen.digest()),
        &actor(),
        t0(),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict);
    assert_eq!(snapshot(root.path()), changed);
}

#[test]
fn a_fix_stopped_midway_is_turned_back_and_leaves_no_temporary_file() {
    let bench = Bench::new();
    let root = failing("network.accept_redirects");
    for key in [
        "ipv4/conf/all",
        "ipv4/conf/default",
        "ipv6/conf/all",
        "ipv6/conf/default",
    ] {
        root.sysctl(&format!("net/{key}/accept_redirects"), "1");
    }
    let before = snapshot(root.path());
    let fixed = bench.fix(&root, "network.accept_redirects").unwrap();
    assert!(fixed.change.steps.len() >= 3);
    bench.undo(fixed.change.id).unwrap();
    assert_eq!(snapshot(root.path()), before);
    // Apply the fix's steps again, with the third one's target changed
    // behind its back: the first two are put back, nothing is half done.
    let Step::Kernel { path, .. } = &fixed.change.steps[2] else {
        panic!("expected a kernel step, got {:?}", fixed.change.steps[2]);
    };
    root.file(path, "7\n");
    let sabotaged = snapshot(root.path());
    let err = fix::apply(root.path(), &bench.backups, &fixed.change.steps).unwrap_err();
    assert_eq!(err.cause.code, ErrorCode::Conflict);
    assert!(err.not_put_back.is_empty(), "{:?}", err.not_put_back);
    assert_eq!(snapshot(root.path()), sabotaged);
    let leftovers: Vec<_> = sabotaged
        .keys()
        .filter(|k| k.contains(".shipshape-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_guard_refuses_to_turn_off_root_login_without_another_way_in() {
    let bench = Bench::new();
    let case = CASES.iter().find(|c| c.id == "ssh.root_login").unwrap();
    let mut root = Root::hardened();
    (case.pass)(&mut root);
    (case.fail)(&mut root);
    let before = snapshot(root.path());
    let err = bench.fix(&root, "ssh.root_login").unwrap_err();
    assert_eq!(err.code, ErrorCode::WouldLockOut, "{}", err.message);
    assert!(err.hint.contains("SSH key"), "{}", err.hint);
    assert_eq!(snapshot(root.path()), before);
    assert!(change::list(&bench.store, 10).unwrap().is_empty());
    with_key(&root);
    let p = fix::preview(&root.host(), "ssh.root_login").unwrap();
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("alice can log in with an SSH key")),
        "{:?}",
        p.notes
    );
}

#[test]
fn the_guard_refuses_to_turn_off_passwords_when_nobody_has_a_key() {
    let bench = Bench::new();
    let case = CASES.iter().find(|c| c.id == "ssh.password_auth").unwrap();
    let mut root = Root::hardened();
    (case.pass)(&mut root);
    (case.fail)(&mut root);
    let err = bench.fix(&root, "ssh.password_auth").unwrap_err();
    assert_eq!(err.code, ErrorCode::WouldLockOut, "{}", err.message);
}

#[test]
fn a_normal_user_who_cannot_see_the_way_in_is_sent_to_the_administrator_not_refused() {
    let root = failing("ssh.root_login");
    root.chmod("etc/ssh/sshd_config", 0o644);
    // alice's key is hers alone to read, so a normal user cannot prove it.
    let user = root.host().with_facts(|f| f.as_root = false);
    let err = fix::preview(&user, "ssh.root_login").unwrap_err();
    assert_eq!(err.code, ErrorCode::NeedsAdmin, "{}", err.message);
    // The administrator sees her key.
    let p = fix::preview(&root.host(), "ssh.root_login").unwrap();
    assert!(p.notes.iter().any(|n| n.contains("alice")), "{:?}", p.notes);
}

#[test]
fn backups_go_only_to_a_private_folder_of_this_account() {
    let dir = TestDir::new();
    let backups = dir.data().join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    std::fs::set_permissions(&backups, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = Backups::open(dir.data()).unwrap_err();
    assert!(
        err.message.contains("not a private folder"),
        "{}",
        err.message
    );
    std::fs::set_permissions(&backups, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::os::unix::fs::chown(&backups, Some(65534), None).unwrap();
    assert!(Backups::open(dir.data()).is_err());
}

#[test]
fn weak_ssh_algorithms_are_taken_out_of_every_line_so_no_older_one_takes_over() {
    let bench = Bench::new();
    let root = failing("ssh.ciphers");
    // The drop-in's line is in force and only weak; the main file's later
    // line would take over once it is commented out.
    root.file("etc/ssh/sshd_config.d/10-local.conf", "Ciphers 3des-cbc\n");
    root.append("etc/ssh/sshd_config", "Ciphers aes128-cbc,aes256-ctr");
    let fixed = bench.fix(&root, "ssh.ciphers").unwrap();
    assert_eq!(
        fixed.recheck.status,
        Status::Pass,
        "{}",
        fixed.recheck.detail
    );
    let main = std::fs::read_to_string(root.at("etc/ssh/sshd_config")).unwrap();
    assert!(main.ends_with("Ciphers aes256-ctr\n"), "{main}");
}

/// An SSH login from the network, as `who` lists it.
const REMOTE_LOGIN: &str = "alice    pts/0        2026-11-24 09:12 (10.0.0.7)\n";

#[test]
fn the_firewall_fix_switches_ufw_on_and_keeps_ssh_open_on_its_port() {
    let bench = Bench::new();
    let mut root = failing("firewall.active");
    root.append("etc/ssh/sshd_config", "Port 2222");
    root.who_output(REMOTE_LOGIN);
    let p = fix::preview(&root.host(), "firewall.active").unwrap();
    let targets: Vec<&str> = p.steps.iter().map(|s| s.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/etc/ufw/ufw.conf",
            "/etc/ufw/user.rules",
            "/etc/ufw/user6.rules"
        ]
    );
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("SSH (port 2222) stays allowed")),
        "{:?}",
        p.notes
    );
    let fixed = bench.fix(&root, "firewall.active").unwrap();
    assert_eq!(fixed.recheck.status, Status::Pass);
    let v4 = std::fs::read_to_string(root.at("etc/ufw/user.rules")).unwrap();
    assert!(
        v4.contains("### tuple ### allow tcp 2222 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 2222 -j ACCEPT\n"),
        "{v4}"
    );
    let v6 = std::fs::read_to_string(root.at("etc/ufw/user6.rules")).unwrap();
    assert!(
        v6.contains("-A ufw6-user-input -p tcp --dport 2222 -j ACCEPT"),
        "{v6}"
    );
    // A second fix finds the rule and adds nothing.
    let again = failing("firewall.default_deny");
    std::fs::write(again.at("etc/ufw/user.rules"), &v4).unwrap();
    std::fs::write(again.at("etc/ufw/user6.rules"), &v6).unwrap();
    again.append("etc/ssh/sshd_config", "Port 2222");
    let p = fix::preview(&again.host(), "firewall.default_deny").unwrap();
    let targets: Vec<&str> = p.steps.iter().map(|s| s.target.as_str()).collect();
    assert_eq!(targets, ["/etc/default/ufw"]);
}

#[test]
fn the_firewall_fix_starts_ufw_with_the_computer_unless_it_is_masked() {
    let bench = Bench::new();
    let root = failing("firewall.active");
    root.file(
        "usr/lib/systemd/system/ufw.service",
        "[Unit]\nDescription=ufw\n",
    );
    root.dir("etc/systemd/system/multi-user.target.wants", 0o755);
    let original = snapshot(root.path());
    let p = fix::preview(&root.host(), "firewall.active").unwrap();
    let boot = p
        .steps
        .iter()
        .find(|s| s.command == "systemctl enable ufw.service")
        .expect("a step that starts ufw at boot");
    assert_eq!(
        boot.target,
        "/etc/systemd/system/multi-user.target.wants/ufw.service"
    );
    let fixed = bench.fix(&root, "firewall.active").unwrap();
    let link = root.at("etc/systemd/system/multi-user.target.wants/ufw.service");
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("/usr/lib/systemd/system/ufw.service")
    );
    bench.undo(fixed.change.id).unwrap();
    assert_eq!(snapshot(root.path()), original);

    root.link("etc/systemd/system/ufw.service", "/dev/null");
    let err = bench.fix(&root, "firewall.active").unwrap_err();
    assert!(err.hint.contains("systemctl unmask ufw"), "{}", err.hint);
}

#[test]
fn the_firewall_fix_is_refused_when_it_would_cut_off_an_ssh_session() {
    let bench = Bench::new();
    let mut root = failing("firewall.default_deny");
    let deny = "### RULES ###\n\n### tuple ### deny tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 22 -j DROP\n";
    let rules = std::fs::read_to_string(root.at("etc/ufw/user.rules")).unwrap();
    root.file(
        "etc/ufw/user.rules",
        &rules.replace("### RULES ###\n", deny),
    );
    // Nobody is connected from the network: allowed, with a warning.
    let p = fix::preview(&root.host(), "firewall.default_deny").unwrap();
    assert!(
        p.notes.iter().any(|n| n.contains("refuses SSH (port 22)")),
        "{:?}",
        p.notes
    );
    // Someone is: refused, and nothing changes.
    root.who_output(REMOTE_LOGIN);
    let before = snapshot(root.path());
    let err = bench.fix(&root, "firewall.default_deny").unwrap_err();
    assert_eq!(err.code, ErrorCode::WouldLockOut, "{}", err.message);
    assert!(err.hint.contains("ufw delete"), "{}", err.hint);
    assert_eq!(snapshot(root.path()), before);
    // A login at the computer's own screen is no SSH session.
    root.who_output("alice    tty7         2026-11-24 09:12 (:0)\n");
    bench.fix(&root, "firewall.default_deny").unwrap();
}

#[test]
fn the_firewall_fix_without_an_ssh_server_is_refused_only_over_ssh() {
    let bench = Bench::new();
    let mut root = failing("firewall.default_deny");
    root.remove("etc/ssh/sshd_config");
    root.who_output(REMOTE_LOGIN);
    let err = bench.fix(&root, "firewall.default_deny").unwrap_err();
    assert_eq!(err.code, ErrorCode::WouldLockOut, "{}", err.message);
    root.who_output("");
    let p = fix::preview(&root.host(), "firewall.default_deny").unwrap();
    let targets: Vec<&str> = p.steps.iter().map(|s| s.target.as_str()).collect();
    assert_eq!(
        targets,
        ["/etc/default/ufw"],
        "no SSH rule without an SSH server"
    );
}

#[test]
fn the_firewall_fix_needs_ufw_and_no_other_firewall() {
    let bench = Bench::new();
    let root = failing("firewall.active");
    root.enable("nftables.service");
    let err = bench.fix(&root, "firewall.active").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(err.message.contains("nftables.service"), "{}", err.message);
    let root = failing("firewall.active");
    root.remove("usr/sbin/ufw");
    let err = bench.fix(&root, "firewall.active").unwrap_err();
    assert_eq!(err.code, ErrorCode::NeedsPackage, "{}", err.message);
    assert_eq!(err.package.as_deref(), Some("ufw"));
    assert!(err.hint.contains("--install-missing"), "{}", err.hint);
    // ufw's rules are root's alone: a normal user is told so.
    let root = failing("firewall.active");
    root.chmod("etc/ufw/user.rules", 0o640);
    let host = root.host().with_facts(|f| f.as_root = false);
    let err = fix::preview(&host, "firewall.active").unwrap_err();
    assert_eq!(err.code, ErrorCode::NeedsAdmin, "{}", err.message);
    assert!(err.hint.contains("administrator"), "{}", err.hint);
    let root = failing("firewall.active");
    root.file("etc/ufw/user6.rules", "# emptied by hand\n");
    let err = bench.fix(&root, "firewall.active").unwrap_err();
    assert!(
        err.message.contains("/etc/ufw/user6.rules"),
        "{}",
        err.message
    );
    assert!(err.hint.contains("ufw allow 22/tcp"), "{}", err.hint);
}

#[test]
fn automatic_updates_are_switched_on_wherever_apt_reads_them() {
    let bench = Bench::new();
    let root = failing("updates.automatic");
    // A later file that switches them off again wins in apt, so it is
    // changed too; a comment is left as it is.
    root.file(
        "etc/apt/apt.conf.d/99office",
        "// APT::Periodic::Unattended-Upgrade \"0\";\nAPT::Periodic::Unattended-Upgrade \"0\";\n",
    );
    let p = fix::preview(&root.host(), "updates.automatic").unwrap();
    let targets: Vec<&str> = p.steps.iter().map(|s| s.target.as_str()).collect();
    assert_eq!(
        targets,
        [
            "/etc/apt/apt.conf.d/20auto-upgrades",
            "/etc/apt/apt.conf.d/99office"
        ]
    );
    let fixed = bench.fix(&root, "updates.automatic").unwrap();
    assert_eq!(fixed.recheck.status, Status::Pass);
    assert_eq!(
        std::fs::read_to_string(root.at("etc/apt/apt.conf.d/20auto-upgrades")).unwrap(),
        "APT::Periodic::Unattended-Upgrade \"1\";\nAPT::Periodic::Update-Package-Lists \"1\";\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.at("etc/apt/apt.conf.d/99office")).unwrap(),
        "// APT::Periodic::Unattended-Upgrade \"0\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n"
    );
}

#[test]
fn automatic_updates_are_set_up_when_never_configured_and_refused_without_the_package() {
    let bench = Bench::new();
    let root = failing("updates.automatic");
    root.remove("etc/apt/apt.conf.d/20auto-upgrades");
    let fixed = bench.fix(&root, "updates.automatic").unwrap();
    assert_eq!(fixed.recheck.status, Status::Pass);
    assert_eq!(
        std::fs::read_to_string(root.at("etc/apt/apt.conf.d/20auto-upgrades")).unwrap(),
        "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n"
    );
    bench.undo(fixed.change.id).unwrap();
    assert!(!root.at("etc/apt/apt.conf.d/20auto-upgrades").exists());

    let root = failing("updates.automatic");
    root.remove("usr/bin/unattended-upgrade");
    let before = snapshot(root.path());
    let err = bench.fix(&root, "updates.automatic").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(
        err.hint.contains("apt install unattended-upgrades"),
        "{}",
        err.hint
    );
    assert_eq!(snapshot(root.path()), before);
}

#[test]
fn core_dumps_are_stopped_wherever_a_later_file_would_allow_them() {
    let bench = Bench::new();
    let root = failing("kernel.core_dumps");
    // A later drop-in wins over limits.conf, so it is changed too; and
    // systemd-coredump, once installed, gets its own drop-in.
    root.file(
        "etc/security/limits.d/90-dev.conf",
        "*  hard  core  unlimited\n",
    );
    root.program("usr/lib/systemd/systemd-coredump");
    root.file(
        "etc/systemd/coredump.conf",
        "[Coredump]\n#Storage=external\n",
    );
    root.dir("etc/systemd/coredump.conf.d", 0o755);
    let original = snapshot(root.path());
    let fixed = bench.fix(&root, "kernel.core_dumps").unwrap();
    assert_eq!(
        fixed.recheck.status,
        Status::Pass,
        "{}",
        fixed.recheck.detail
    );
    assert_eq!(
        std::fs::read_to_string(root.at("etc/security/limits.d/90-dev.conf")).unwrap(),
        "*\thard\tcore\t0\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.at("etc/systemd/coredump.conf.d/60-shipshape.conf")).unwrap(),
        "[Coredump]\nStorage=none\n"
    );
    let undone = bench.undo(fixed.change.id).unwrap();
    assert_eq!(undone.recheck.status, Status::Fail);
    assert_eq!(snapshot(root.path()), original);
}

#[test]
fn a_umask_set_nowhere_is_set_in_login_defs() {
    let bench = Bench::new();
    let root = failing("accounts.umask");
    root.remove("etc/profile");
    let defs = std::fs::read_to_string(root.at("etc/login.defs")).unwrap();
    let without: String = defs
        .lines()
        .filter(|l| !l.starts_with("UMASK"))
        .map(|l| format!("{l}\n"))
        .collect();
    root.file("etc/login.defs", &without);
    let fixed = bench.fix(&root, "accounts.umask").unwrap();
    assert_eq!(
        fixed.recheck.status,
        Status::Pass,
        "{}",
        fixed.recheck.detail
    );
    assert_eq!(
        std::fs::read_to_string(root.at("etc/login.defs")).unwrap(),
        format!("{without}UMASK\t027\n")
    );
}

#[test]
fn no_room_for_the_backup_refuses_the_fix_and_changes_nothing() {
    super::util::in_private_mounts(
        concat!(
            module_path!(),
            "::no_room_for_the_backup_refuses_the_fix_and_changes_nothing"
        ),
        no_room,
    );
}

/// Runs inside a private mount namespace: the backups folder is a tiny
/// tmpfs, so the backup of a large file does not fit.
fn no_room() {
    let bench = Bench::new();
    let tiny = bench.dir.data().join("backups");
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&tiny)
        .status()
        .unwrap();
    assert!(mounted.success());
    let root = failing("ssh.x11_forwarding");
    root.append("etc/ssh/sshd_config", &format!("# {}", "x".repeat(200_000)));
    let before = snapshot(root.path());
    let err = bench.fix(&root, "ssh.x11_forwarding").unwrap_err();
    assert!(
        err.message.contains("no room to back up"),
        "{}",
        err.message
    );
    assert_eq!(snapshot(root.path()), before);
    assert!(
        std::fs::read_dir(&tiny).unwrap().next().is_none(),
        "a backup was left behind"
    );
    assert!(change::list(&bench.store, 10).unwrap().is_empty());
}

#[test]
fn a_damaged_backup_is_never_restored() {
    let bench = Bench::new();
    let root = failing("ssh.x11_forwarding");
    let fixed = bench.fix(&root, "ssh.x11_forwarding").unwrap();
    for entry in std::fs::read_dir(bench.backups.dir()).unwrap() {
        let p = entry.unwrap().path();
        std::fs::write(&p, b"tampered").unwrap();
    }
    let after = snapshot(root.path());
    let err = bench.undo(fixed.change.id).unwrap_err();
    assert!(err.message.contains("damaged"), "{}", err.message);
    assert_eq!(snapshot(root.path()), after);
}

#[test]
fn fixes_refuse_what_they_cannot_do() {
    let bench = Bench::new();
    let root = Root::hardened();
    let err = bench.fix(&root, "ssh.x11_forwarding").unwrap_err();
    assert!(err.message.starts_with("Nothing to fix"), "{}", err.message);
    let err = bench.fix(&root, "no.such_check").unwrap_err();
    assert!(err.message.contains("no check called"), "{}", err.message);
    let err = bench.fix(&root, "services.telnet").unwrap_err();
    assert!(err.message.contains("no automatic fix"), "{}", err.message);
    assert!(err.hint.starts_with("What to do by hand"), "{}", err.hint);
    let err = bench.undo(99).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    // A link is never written through.
    let linked = failing("files.crontab");
    linked
        .remove("etc/crontab")
        .link("etc/crontab", "/etc/hostname");
    let host = linked.host();
    if let Ok(p) = fix::preview(&host, "files.crontab") {
        panic!("a link was planned for: {p:?}");
    }
}

#[test]
fn an_undone_change_cannot_be_undone_twice() {
    let bench = Bench::new();
    let root = failing("ssh.x11_forwarding");
    let fixed = bench.fix(&root, "ssh.x11_forwarding").unwrap();
    let undone = bench.undo(fixed.change.id).unwrap();
    let err = bench.undo(fixed.change.id).unwrap_err();
    assert!(
        err.hint
            .contains(&format!("undo change {}", undone.change.id)),
        "{}",
        err.hint
    );
}

#[test]
fn an_accepted_risk_shows_as_accepted_until_it_expires() {
    let bench = Bench::new();
    let root = failing("ssh.x11_forwarding");
    let mut scan = harden::scan(&root.host(), None, t0()).unwrap();
    let score = scan.score;
    bench.accept_x11().unwrap();
    accepted::mark_from(&bench.store, &mut scan, t0()).unwrap();
    let f = scan
        .checks
        .iter()
        .find(|f| f.id == "ssh.x11_forwarding")
        .unwrap();
    assert_eq!(f.status, Status::Accepted);
    assert_eq!(f.accepted.as_ref().unwrap().found, Status::Fail);
    assert!(scan.score > score);
    assert_eq!(scan.counts.accepted, 1);
    // After the last day it counts again.
    let later = t0() + chrono::Duration::days(90);
    accepted::mark_from(&bench.store, &mut scan, later).unwrap();
    let f = scan
        .checks
        .iter()
        .find(|f| f.id == "ssh.x11_forwarding")
        .unwrap();
    assert_eq!(f.status, Status::Fail);
    assert_eq!(scan.score, score);
    accepted::withdraw(&bench.store, "ssh.x11_forwarding", &actor(), t0()).unwrap();
    assert!(accepted::list(&bench.store).unwrap().is_empty());
    let actions: Vec<String> = audit::list(&bench.store, &Filter::default())
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert!(
        actions.contains(&"security.accept".into())
            && actions.contains(&"security.withdraw".into())
    );
}

#[test]
fn an_acceptance_whose_entry_cannot_be_written_is_neither_made_nor_withdrawn() {
    let bench = Bench::new();
    bench.dir.refuse_audit_entries();
    let e = bench.accept_x11().unwrap_err();
    assert!(e.message.contains("disk I/O error"), "{}", e.message);
    assert!(accepted::list(&bench.store).unwrap().is_empty());

    bench.dir.allow_audit_entries();
    bench.accept_x11().unwrap();
    bench.dir.refuse_audit_entries();
    accepted::withdraw(&bench.store, "ssh.x11_forwarding", &actor(), t0()).unwrap_err();
    assert_eq!(accepted::list(&bench.store).unwrap().len(), 1);
    let actions: Vec<String> = audit::list(&bench.store, &Filter::default())
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["security.accept"]);
}

#[test]
fn acceptances_need_a_reason_and_a_date_within_a_year() {
    let bench = Bench::new();
    let accept = |id: &str, reason: &str, until: &str| {
        accepted::accept(&bench.store, id, reason, until, &actor(), t0())
            .unwrap_err()
            .message
    };
    assert!(accept("ssh.x11_forwarding", "  ", "2027-01-01").contains("Say why"));
    assert!(accept("ssh.x11_forwarding", "ok", "next week").contains("is not a date"));
    assert!(accept("ssh.x11_forwarding", "ok", "2026-01-01").contains("already passed"));
    assert!(accept("ssh.x11_forwarding", "ok", "2028-06-01").contains("more than a year"));
    assert!(accept("ssh.x11_forwarding", "line\nbreak", "2027-01-01").contains("one line"));
    assert!(accept("no.such", "ok", "2027-01-01").contains("no check called"));
    let err = accepted::withdraw(&bench.store, "ssh.x11_forwarding", &actor(), t0()).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    assert!(accepted::list(&bench.store).unwrap().is_empty());
}

/// The fixture's sshd_config with `extra` at its end (where a Match block
/// runs to the end of the file, as it would).
fn sshd_with(root: &Root, extra: &str) {
    let main = std::fs::read_to_string(root.path().join("etc/ssh/sshd_config")).unwrap();
    root.file_mode("etc/ssh/sshd_config", &format!("{main}{extra}"), 0o600);
}

#[test]
fn the_guard_counts_a_key_only_where_the_ssh_server_takes_it() {
    let lockout = |extra: &str| {
        let root = failing("ssh.password_auth");
        sshd_with(&root, extra);
        fix::preview(&root.host(), "ssh.password_auth")
    };
    // alice has a key in ~/.ssh/authorized_keys; each of these keeps it unused.
    for (extra, named) in [
        ("AllowUsers bob\n", Some("AllowUsers bob")),
        ("DenyUsers ali*\n", Some("DenyUsers ali*")),
        (
            "DenyUsers alice@10.0.0.0/8\n",
            Some("DenyUsers alice@10.0.0.0/8"),
        ),
        ("AllowGroups staff\n", Some("AllowGroups staff")),
        ("DenyGroups sudo\n", Some("DenyGroups sudo")),
        ("PubkeyAuthentication no\n", None),
        ("AuthorizedKeysFile /etc/ssh/keys/%u\n", None),
        ("AuthorizedKeysFile none\n", None),
        ("Match User alice\n  PubkeyAuthentication no\n", None),
        (
            "Match Group sudo\n  AuthorizedKeysFile .ssh/other_keys\n",
            None,
        ),
        // From some addresses she would be refused: not a way in from anywhere.
        (
            "Match Address 10.0.0.0/8\n  PubkeyAuthentication no\n",
            None,
        ),
    ] {
        let err = lockout(extra).expect_err(extra);
        assert_eq!(
            err.code,
            ErrorCode::WouldLockOut,
            "{extra}: {}",
            err.message
        );
        if let Some(named) = named {
            assert!(err.message.contains(named), "{extra}: {}", err.message);
        }
    }
    // These keep her key in use.
    for extra in [
        "AllowUsers alice bob\n",
        "AllowGroups sudo\n",
        "DenyUsers bob\n",
        "Match User bob\n  PubkeyAuthentication no\n",
        "Match User *,!alice\n  PubkeyAuthentication no\n",
        "AuthorizedKeysFile %h/.ssh/authorized_keys\n",
        "Match Address 10.0.0.0/8\n  PasswordAuthentication yes\n",
    ] {
        let p = lockout(extra).unwrap_or_else(|e| panic!("{extra}: {}", e.message));
        assert!(
            p.notes.iter().any(|n| n.contains("alice")),
            "{extra}: {:?}",
            p.notes
        );
    }
    // A key where AuthorizedKeysFile points is a way in.
    let root = failing("ssh.password_auth");
    sshd_with(&root, "AuthorizedKeysFile /etc/ssh/keys/%u\n");
    root.file(
        "etc/ssh/keys/alice",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBz alice@laptop\n",
    );
    fix::preview(&root.host(), "ssh.password_auth").unwrap();
}

#[test]
fn the_guard_counts_a_password_only_where_the_ssh_server_takes_it() {
    // No keys anywhere: root's login is turned off only if alice's password works.
    let without_key = |extra: &str| {
        let case = CASES.iter().find(|c| c.id == "ssh.root_login").unwrap();
        let mut root = Root::hardened();
        (case.pass)(&mut root);
        (case.fail)(&mut root);
        sshd_with(&root, extra);
        fix::preview(&root.host(), "ssh.root_login")
    };
    let p = without_key("Match User alice\n  PasswordAuthentication yes\n").unwrap();
    assert!(
        p.notes
            .iter()
            .any(|n| n.contains("alice can log in with a password")),
        "{:?}",
        p.notes
    );
    let err = without_key(
        "Match User alice\n  PasswordAuthentication yes\nMatch all\n  DenyUsers alice\n",
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::WouldLockOut);
    assert!(err.message.contains("keeps alice out"), "{}", err.message);
}

#[test]
fn a_key_file_that_is_a_fifo_or_a_link_to_a_device_is_unreadable_not_a_hang() {
    type Plant = fn(&Root);
    let plants: [(&str, Plant, &str); 3] = [
        (
            "a FIFO",
            |root| {
                rustix::fs::mknodat(
                    rustix::fs::CWD,
                    root.at(KEYS),
                    rustix::fs::FileType::Fifo,
                    rustix::fs::Mode::from_raw_mode(0o600),
                    0,
                )
                .unwrap();
            },
            "FIFO",
        ),
        (
            "a link to /dev/zero",
            |root| {
                root.link(KEYS, "/dev/zero");
            },
            "symbolic link",
        ),
        (
            "a relative link to the devices",
            |root| {
                root.link(KEYS, "../../../../../../../../dev/zero");
            },
            "symbolic link",
        ),
    ];
    const KEYS: &str = "home/alice/.ssh/authorized_keys";
    for (what, plant, named) in plants {
        // A thread and a time limit: a read that blocks fails the test
        // instead of hanging it.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let root = failing("ssh.password_auth");
            root.remove(KEYS);
            plant(&root);
            let _ = tx.send(fix::preview(&root.host(), "ssh.password_auth"));
        });
        let answer = rx
            .recv_timeout(std::time::Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("{what}: the guard did not finish"));
        let err = answer.expect_err(what);
        assert_eq!(err.code, ErrorCode::Io, "{what}: {}", err.message);
        assert!(
            err.message.contains("/home/alice/.ssh/authorized_keys") && err.message.contains(named),
            "{what}: {}",
            err.message
        );
    }
}
