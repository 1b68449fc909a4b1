//! Every check against a passing and a failing fixture: a hardened Debian
//! 12 root, with one thing added for the pass (software the check needs)
//! and one thing broken for the failure.

use super::harden_fixture::{Root, SHADOW_GID, TODAY};
use super::util::t0;
use shipshape_core::harden::check::{Finding, Status};
use shipshape_core::harden::{self};
use std::collections::BTreeSet;

pub type Setup = fn(&mut Root);

pub struct Case {
    pub id: &'static str,
    /// Added to the hardened root for the passing fixture.
    pub pass: Setup,
    /// Added to the hardened root (after `pass`) for the failing fixture.
    pub fail: Setup,
    /// Fail, or Warning for checks that only warn.
    pub fails_as: Status,
}

const fn case(id: &'static str, pass: Setup, fail: Setup) -> Case {
    Case {
        id,
        pass,
        fail,
        fails_as: Status::Fail,
    }
}

const fn warns(id: &'static str, pass: Setup, fail: Setup) -> Case {
    Case {
        id,
        pass,
        fail,
        fails_as: Status::Warning,
    }
}

fn nothing(_: &mut Root) {}

const DISTRO_INFO: &str = "version,codename,series,created,release,eol,eol-lts,eol-elts
12,Bookworm,bookworm,2021-08-14,2023-06-10,2026-07-11,2028-06-30,2033-06-30
13,Trixie,trixie,2023-06-10,2025-08-09,2028-08-09,2030-06-30,2035-06-30
";

fn shadow(r: &Root, text: &str) {
    r.file_mode("etc/shadow", text, 0o640)
        .chown("etc/shadow", 0, SHADOW_GID);
}

fn drop_in(r: &Root, line: &str) {
    r.file("etc/ssh/sshd_config.d/10-local.conf", &format!("{line}\n"));
}

pub const CASES: &[Case] = &[
    // Accounts.
    case("accounts.empty_password", nothing, |r| {
        shadow(r, "root:!:19000::::::\nalice::19000:0:99999:7:::\n")
    }),
    case("accounts.extra_uid0", nothing, |r| {
        r.append("etc/passwd", "toor:x:0:0::/root:/bin/bash");
    }),
    case("accounts.shadowed", nothing, |r| {
        r.append(
            "etc/passwd",
            "bob:$6$salt$hash:1001:1001::/home/bob:/bin/bash",
        );
    }),
    case("accounts.duplicate_uid", nothing, |r| {
        r.append("etc/passwd", "alice2:x:1000:1000::/home/alice2:/bin/bash");
    }),
    warns("accounts.root_password", nothing, |r| {
        shadow(r, "root:$y$j9T$salt$hash:19000:0:99999:7:::\n")
    }),
    case("accounts.hashing", nothing, |r| {
        r.append("etc/login.defs", "ENCRYPT_METHOD MD5");
    }),
    case("accounts.hashing_rounds", nothing, |r| {
        r.append(
            "etc/login.defs",
            "ENCRYPT_METHOD SHA512\nSHA_CRYPT_MIN_ROUNDS 1000",
        );
    }),
    case("accounts.max_days", nothing, |r| {
        r.append("etc/login.defs", "PASS_MAX_DAYS 99999");
    }),
    case("accounts.min_days", nothing, |r| {
        r.append("etc/login.defs", "PASS_MIN_DAYS 0");
    }),
    case("accounts.warn_age", nothing, |r| {
        r.append("etc/login.defs", "PASS_WARN_AGE 3");
    }),
    case("accounts.umask", nothing, |r| {
        r.file("etc/profile", "if true; then\n  umask 022\nfi\n");
    }),
    case("accounts.password_quality", nothing, |r| {
        r.file(
            "etc/pam.d/common-password",
            "password [success=1 default=ignore] pam_unix.so obscure yescrypt\n",
        );
    }),
    case("accounts.nullok", nothing, |r| {
        r.file("etc/pam.d/common-auth", "auth required pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so nullok\n");
    }),
    case("accounts.lockout", nothing, |r| {
        r.file(
            "etc/pam.d/common-auth",
            "auth [success=1 default=ignore] pam_unix.so\n",
        );
    }),
    case(
        "accounts.sudo_nopasswd",
        |r| {
            // sudo ignores files with a dot or a trailing ~ in sudoers.d.
            r.file_mode(
                "etc/sudoers.d/old.bak",
                "alice ALL=(ALL) NOPASSWD: ALL\n",
                0o440,
            );
            r.file_mode(
                "etc/sudoers.d/alice~",
                "alice ALL=(ALL) NOPASSWD: ALL\n",
                0o440,
            );
        },
        |r| {
            r.file_mode(
                "etc/sudoers.d/alice",
                "alice ALL=(ALL) NOPASSWD: ALL\n",
                0o440,
            );
        },
    ),
    case("accounts.sudo_pty", nothing, |r| {
        r.file_mode("etc/sudoers", "root ALL=(ALL:ALL) ALL\n", 0o440);
    }),
    case("accounts.su_restricted", nothing, |r| {
        r.file("etc/pam.d/su", "# auth required pam_wheel.so\n");
    }),
    case("accounts.system_shells", nothing, |r| {
        r.append("etc/passwd", "www-data:x:33:33:www-data:/var/www:/bin/sh");
    }),
    warns(
        "accounts.locked_with_shell",
        |r| {
            r.append("etc/passwd", "bob:x:1001:1001::/home/bob:/usr/sbin/nologin");
            shadow(r, "root:!:19000::::::\nbob:!:19000::::::\n");
        },
        |r| {
            r.append("etc/passwd", "carol:x:1002:1002::/home/carol:/bin/bash");
            shadow(
                r,
                "root:!:19000::::::\nbob:!:19000::::::\ncarol:!$y$x:19000::::::\n",
            );
        },
    ),
    warns("accounts.stale_password", nothing, |r| {
        shadow(
            r,
            &format!(
                "root:!:19000::::::\nalice:$y$j9T$s$h:{}:1:365:7:::\n",
                TODAY - 400
            ),
        );
    }),
    case("accounts.inactive_lock", nothing, |r| {
        r.file("etc/default/useradd", "INACTIVE=-1\n");
    }),
    // SSH: settings in the drop-in folder come first, so they win.
    case("ssh.config_sound", nothing, |r| {
        drop_in(r, "Include /etc/ssh/sshd_config.d/*.conf");
    }),
    case("ssh.root_login", nothing, |r| {
        drop_in(r, "PermitRootLogin yes")
    }),
    case("ssh.password_auth", nothing, |r| {
        drop_in(r, "passwordauthentication=yes")
    }),
    case("ssh.empty_passwords", nothing, |r| {
        drop_in(r, "PermitEmptyPasswords yes")
    }),
    case("ssh.x11_forwarding", nothing, |r| {
        drop_in(r, "  X11Forwarding\tyes")
    }),
    case("ssh.max_auth_tries", nothing, |r| {
        drop_in(r, "MaxAuthTries 10")
    }),
    case(
        "ssh.ciphers",
        |r| drop_in(r, "Ciphers -aes128-cbc"),
        |r| drop_in(r, "Ciphers aes256-gcm@openssh.com,aes128-cbc"),
    ),
    case(
        "ssh.macs",
        |r| drop_in(r, "MACs hmac-sha2-256-etm@openssh.com"),
        |r| drop_in(r, "MACs +hmac-md5"),
    ),
    case(
        "ssh.kex",
        |r| drop_in(r, "KexAlgorithms curve25519-sha256"),
        |r| drop_in(r, "KexAlgorithms diffie-hellman-group1-sha1"),
    ),
    case("ssh.hostbased", nothing, |r| {
        drop_in(r, "HostbasedAuthentication yes")
    }),
    case("ssh.ignore_rhosts", nothing, |r| {
        drop_in(r, "IgnoreRhosts no")
    }),
    case("ssh.user_environment", nothing, |r| {
        drop_in(r, "PermitUserEnvironment yes")
    }),
    case("ssh.login_grace", nothing, |r| {
        drop_in(r, "LoginGraceTime 2m")
    }),
    case("ssh.log_level", nothing, |r| drop_in(r, "LogLevel QUIET")),
    case("ssh.config_permissions", nothing, |r| {
        r.chmod("etc/ssh/sshd_config", 0o644);
    }),
    case("ssh.host_keys", nothing, |r| {
        r.chmod("etc/ssh/ssh_host_ed25519_key", 0o644);
    }),
    // Firewall.
    case("firewall.active", nothing, |r| {
        r.file("etc/ufw/ufw.conf", "ENABLED=no\n");
    }),
    case("firewall.default_deny", nothing, |r| {
        r.file(
            "etc/default/ufw",
            "IPV6=yes\nDEFAULT_INPUT_POLICY=\"ACCEPT\"\n",
        );
    }),
    case("firewall.ufw_ipv6", nothing, |r| {
        r.file(
            "etc/default/ufw",
            "IPV6=no\nDEFAULT_INPUT_POLICY=\"DROP\"\n",
        );
    }),
    // Updates.
    case("updates.automatic", nothing, |r| {
        r.file(
            "etc/apt/apt.conf.d/20auto-upgrades",
            "APT::Periodic::Unattended-Upgrade \"0\";\n",
        );
    }),
    case("updates.pending_security", nothing, |r| {
        r.apt_output("Inst libssl3 [3.0.11-1~deb12u1] (3.0.15-1~deb12u1 Debian-Security:12/stable-security [amd64])\n");
    }),
    warns("updates.reboot_required", nothing, |r| {
        r.file("run/reboot-required", "*** System restart required ***\n")
            .file("run/reboot-required.pkgs", "linux-image-6.1.0-28-amd64\n");
    }),
    case("updates.security_source", nothing, |r| {
        r.file(
            "etc/apt/sources.list.d/debian.sources",
            "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n",
        );
    }),
    case(
        "updates.os_end_of_life",
        |r| {
            r.file("usr/share/distro-info/debian.csv", DISTRO_INFO);
        },
        |r| {
            r.file(
                "usr/share/distro-info/debian.csv",
                &DISTRO_INFO.replace("2026-07-11,2028-06-30", "2024-07-11,2025-06-30"),
            );
        },
    ),
    // Services.
    case("services.listening", nothing, |r| {
        r.listen("00000000", 3306);
    }),
    case(
        "services.telnet",
        |r| {
            r.program("usr/sbin/in.telnetd");
        },
        |r| {
            r.file(
                "etc/inetd.conf",
                "telnet stream tcp nowait root /usr/sbin/tcpd /usr/sbin/in.telnetd\n",
            );
        },
    ),
    case(
        "services.ftp",
        |r| {
            r.program("usr/sbin/vsftpd");
        },
        |r| {
            r.enable("vsftpd.service");
        },
    ),
    case(
        "services.rsh",
        |r| {
            r.program("usr/sbin/in.rshd");
        },
        |r| {
            r.enable("rsh.socket");
        },
    ),
    case(
        "services.tftp",
        |r| {
            r.program("usr/sbin/in.tftpd");
        },
        |r| {
            r.enable("tftpd-hpa.service");
        },
    ),
    case(
        "services.avahi",
        |r| {
            r.program("usr/sbin/avahi-daemon");
        },
        |r| {
            r.enable("avahi-daemon.service");
        },
    ),
    case(
        "services.cups",
        |r| {
            r.program("usr/sbin/cupsd");
        },
        |r| {
            r.listen("00000000", 631);
        },
    ),
    case(
        "services.rpcbind",
        |r| {
            r.program("usr/sbin/rpcbind");
        },
        |r| {
            r.enable("rpcbind.socket");
        },
    ),
    case(
        "services.nfs",
        |r| {
            r.program("usr/sbin/rpc.nfsd");
        },
        |r| {
            r.enable("nfs-server.service");
        },
    ),
    case(
        "services.nis",
        |r| {
            r.program("usr/sbin/ypserv");
        },
        |r| {
            r.enable("ypserv.service");
        },
    ),
    case(
        "services.snmp_public",
        |r| {
            r.program("usr/sbin/snmpd")
                .file(
                    "etc/snmp/snmpd.conf",
                    "rocommunity Kx7-office-monitoring localhost\n",
                )
                .enable("snmpd.service");
        },
        |r| {
            r.file("etc/snmp/snmpd.conf", "rocommunity public default\n");
        },
    ),
    case(
        "services.mail_local",
        |r| {
            r.program("usr/sbin/postfix").listen("0100007F", 25);
        },
        |r| {
            r.listen("00000000", 25);
        },
    ),
    // Files.
    case("files.passwd", nothing, |r| {
        r.chmod("etc/passwd", 0o666);
    }),
    case("files.group", nothing, |r| {
        r.chmod("etc/group", 0o664);
    }),
    case("files.shadow", nothing, |r| {
        r.chmod("etc/shadow", 0o644);
    }),
    case("files.gshadow", nothing, |r| {
        r.chmod("etc/gshadow", 0o644);
    }),
    case("files.sudoers", nothing, |r| {
        r.chmod("etc/sudoers", 0o644);
    }),
    case("files.crontab", nothing, |r| {
        r.chmod("etc/crontab", 0o644);
    }),
    case("files.cron_folders", nothing, |r| {
        r.chmod("etc/cron.d", 0o755);
    }),
    case(
        "files.world_writable_folders",
        |r| {
            r.dir("var/spool/shared", 0o1777);
        },
        |r| {
            r.dir("usr/share/dropbox", 0o777);
        },
    ),
    case("files.world_writable_files", nothing, |r| {
        r.file_mode("etc/app.conf", "x=1\n", 0o666);
    }),
    warns("files.suid", nothing, |r| {
        r.file_mode("usr/local/bin/helper", "", 0o4755);
    }),
    case("files.tmp_sticky", nothing, |r| {
        r.chmod("var/tmp", 0o777);
    }),
    case("files.homes", nothing, |r| {
        r.chmod("home/alice", 0o777);
    }),
    case("files.setuid_writable", nothing, |r| {
        r.chmod("usr/bin/su", 0o4777);
    }),
    // Kernel settings.
    case("kernel.aslr", nothing, |r| {
        r.sysctl("kernel/randomize_va_space", "0");
    }),
    case("kernel.kptr_restrict", nothing, |r| {
        r.sysctl("kernel/kptr_restrict", "0");
    }),
    case("kernel.dmesg_restrict", nothing, |r| {
        r.sysctl("kernel/dmesg_restrict", "0");
    }),
    case("kernel.ptrace_scope", nothing, |r| {
        r.sysctl("kernel/yama/ptrace_scope", "0");
    }),
    case("kernel.protected_links", nothing, |r| {
        r.sysctl("fs/protected_symlinks", "0");
    }),
    case("kernel.protected_fifos", nothing, |r| {
        r.sysctl("fs/protected_fifos", "0");
    }),
    case("kernel.unprivileged_bpf", nothing, |r| {
        r.sysctl("kernel/unprivileged_bpf_disabled", "0");
    }),
    case("kernel.suid_dumpable", nothing, |r| {
        r.sysctl("fs/suid_dumpable", "2");
    }),
    case("network.rp_filter", nothing, |r| {
        r.sysctl("net/ipv4/conf/all/rp_filter", "0");
    }),
    case("network.accept_redirects", nothing, |r| {
        r.sysctl("net/ipv6/conf/default/accept_redirects", "1");
    }),
    case("network.secure_redirects", nothing, |r| {
        r.sysctl("net/ipv4/conf/all/secure_redirects", "1");
    }),
    case("network.send_redirects", nothing, |r| {
        r.sysctl("net/ipv4/conf/default/send_redirects", "1");
    }),
    case("network.source_route", nothing, |r| {
        r.sysctl("net/ipv4/conf/all/accept_source_route", "1");
    }),
    case("network.syncookies", nothing, |r| {
        r.sysctl("net/ipv4/tcp_syncookies", "0");
    }),
    case("network.ip_forward", nothing, |r| {
        r.sysctl("net/ipv4/ip_forward", "1");
    }),
    case("network.icmp_broadcasts", nothing, |r| {
        r.sysctl("net/ipv4/icmp_echo_ignore_broadcasts", "0");
    }),
    case("network.log_martians", nothing, |r| {
        r.sysctl("net/ipv4/conf/default/log_martians", "0");
    }),
    case("kernel.core_dumps", nothing, |r| {
        r.append("etc/security/limits.conf", "*    hard    core    unlimited");
    }),
    case("kernel.dccp", nothing, |r| {
        r.append("proc/modules", "dccp 12345 0 - Live 0x0");
    }),
    case("kernel.sctp", nothing, |r| {
        r.file("etc/modprobe.d/shipshape.conf", "install dccp /bin/false\n");
    }),
    case("kernel.rds", nothing, |r| {
        r.append("proc/modules", "rds 12345 0 - Live 0x0");
    }),
    case("kernel.tipc", nothing, |r| {
        r.append("proc/modules", "tipc 12345 0 - Live 0x0");
    }),
    case("kernel.usb_storage", nothing, |r| {
        // The kernel lists it with an underscore.
        r.append("proc/modules", "usb_storage 12345 0 - Live 0x0");
    }),
    case("kernel.firewire", nothing, |r| {
        r.append("proc/modules", "firewire_ohci 12345 0 - Live 0x0");
    }),
    case("kernel.mac", nothing, |r| {
        r.file("sys/module/apparmor/parameters/enabled", "N\n");
    }),
    // Logging, time, boot, encryption.
    case("logging.journal_persistent", nothing, |r| {
        r.file(
            "etc/systemd/journald.conf.d/ram.conf",
            "[Journal]\nStorage=volatile\n",
        );
    }),
    case(
        "logging.rsyslog_permissions",
        |r| {
            r.file(
                "etc/rsyslog.conf",
                "$FileOwner root\n$FileCreateMode 0640\n",
            );
        },
        |r| {
            r.file("etc/rsyslog.conf", "$FileCreateMode 0644\n");
        },
    ),
    case("logging.auditd", nothing, |r| {
        r.remove("etc/systemd/system/multi-user.target.wants/auditd.service");
    }),
    case("logging.audit_rules", nothing, |r| {
        r.file("etc/audit/rules.d/50-identity.rules", "-D\n-b 8192\n");
    }),
    case("logging.logrotate", nothing, |r| {
        r.remove("usr/sbin/logrotate");
    }),
    case("logging.process_accounting", nothing, |r| {
        r.remove("etc/systemd/system/multi-user.target.wants/acct.service");
    }),
    case("time.sync", nothing, |r| {
        r.remove("etc/systemd/system/multi-user.target.wants/systemd-timesyncd.service");
    }),
    case("time.single", nothing, |r| {
        r.enable("chrony.service");
    }),
    case("boot.grub_permissions", nothing, |r| {
        r.chmod("boot/grub/grub.cfg", 0o644);
    }),
    case("boot.grub_password", nothing, |r| {
        r.file_mode("boot/grub/grub.cfg", "menuentry 'Debian' {}\n", 0o600);
    }),
    case("encryption.disk", nothing, |r| {
        r.remove("etc/crypttab");
    }),
    // Desktop.
    case(
        "desktop.autologin",
        |r| {
            r.desktop();
        },
        |r| {
            r.file(
                "etc/gdm3/custom.conf",
                "[daemon]\nAutomaticLoginEnable = true\nAutomaticLogin = alice\n",
            );
        },
    ),
    case(
        "desktop.screen_lock",
        |r| {
            r.desktop();
        },
        |r| {
            r.file(
                "etc/dconf/db/local.d/00-screensaver",
                "[org/gnome/desktop/screensaver]\nlock-enabled=false\n",
            );
        },
    ),
    case(
        "desktop.xdmcp",
        |r| {
            r.desktop();
        },
        |r| {
            r.file("etc/gdm3/custom.conf", "[daemon]\n[xdmcp]\nEnable=true\n");
        },
    ),
    case(
        "desktop.guest",
        |r| {
            r.program("usr/sbin/lightdm")
                .file("etc/lightdm/lightdm.conf", "[Seat:*]\nallow-guest=false\n");
        },
        |r| {
            r.file(
                "etc/lightdm/lightdm.conf.d/50-guest.conf",
                "[Seat:*]\nallow-guest=true\n",
            );
        },
    ),
    // Integrity, malware, compilers.
    case("integrity.aide", nothing, |r| {
        r.remove("usr/bin/aide");
    }),
    case("integrity.debsums", nothing, |r| {
        r.remove("usr/bin/debsums");
    }),
    case("integrity.rootkit", nothing, |r| {
        r.remove("usr/bin/rkhunter");
    }),
    case("integrity.antivirus", nothing, |r| {
        r.remove("usr/bin/clamscan");
    }),
    case(
        "hardening.compilers",
        |r| {
            r.file_mode("usr/bin/x86_64-linux-gnu-gcc-12", "", 0o750)
                .link("usr/bin/gcc", "x86_64-linux-gnu-gcc-12");
        },
        |r| {
            r.chmod("usr/bin/x86_64-linux-gnu-gcc-12", 0o755);
        },
    ),
    // Banners.
    case("banners.issue", nothing, |r| {
        r.file("etc/issue", "Debian GNU/Linux 12 \\n \\l\n");
    }),
    case("banners.issue_net", nothing, |r| {
        r.file("etc/issue.net", "Kernel \\r on an \\m\n");
    }),
    case("banners.motd", nothing, |r| {
        r.file("etc/motd", "Welcome to Debian!\n");
    }),
    case("banners.permissions", nothing, |r| {
        r.chmod("etc/issue", 0o666);
    }),
];

/// The one finding of a single-check scan.
fn run(root: &Root, id: &str) -> Finding {
    let scan = harden::scan(&root.host(), Some(id), t0()).unwrap();
    assert_eq!(scan.checks.len(), 1);
    scan.checks.into_iter().next().unwrap()
}

#[test]
fn every_check_has_a_passing_and_a_failing_fixture() {
    let declared: BTreeSet<&str> = harden::catalogue().iter().map(|c| c.id).collect();
    let covered: BTreeSet<&str> = CASES.iter().map(|c| c.id).collect();
    assert_eq!(covered.len(), CASES.len(), "a check is listed twice");
    let missing: Vec<_> = declared.difference(&covered).collect();
    let unknown: Vec<_> = covered.difference(&declared).collect();
    assert!(missing.is_empty(), "checks without fixtures: {missing:?}");
    assert!(
        unknown.is_empty(),
        "fixtures for unknown checks: {unknown:?}"
    );
    assert!(declared.len() >= 80, "only {} checks", declared.len());
}

#[test]
fn each_check_passes_and_fails_on_its_fixtures() {
    // The failure is added to the passing fixture, so one root serves
    // both; the cases are spread over a few threads.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let problems = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                while let Some(c) =
                    CASES.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
                {
                    let found = check_case(c);
                    problems.lock().unwrap().extend(found);
                }
            });
        }
    });
    let problems = problems.into_inner().unwrap();
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn check_case(c: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let mut root = Root::hardened();
    (c.pass)(&mut root);
    let f = run(&root, c.id);
    if f.status != Status::Pass {
        problems.push(format!(
            "{}: pass fixture gave {:?}: {} {:?}",
            c.id, f.status, f.detail, f.evidence
        ));
    }
    (c.fail)(&mut root);
    let f = run(&root, c.id);
    if f.status != c.fails_as {
        problems.push(format!(
            "{}: fail fixture gave {:?}: {} {:?}",
            c.id, f.status, f.detail, f.evidence
        ));
    } else if f.evidence.is_empty() && !FAIL_WITHOUT_EVIDENCE.contains(&c.id) {
        problems.push(format!("{}: failed without evidence: {}", c.id, f.detail));
    }
    problems
}

/// Failures that are an absence (nothing installed, nothing configured):
/// there is no line to point at.
const FAIL_WITHOUT_EVIDENCE: &[&str] = &[
    "accounts.password_quality",
    "accounts.lockout",
    "accounts.sudo_pty",
    "accounts.su_restricted",
    "updates.security_source",
    "kernel.sctp",
    "kernel.mac",
    "logging.auditd",
    "logging.audit_rules",
    "logging.logrotate",
    "logging.process_accounting",
    "time.sync",
    "boot.grub_password",
    "encryption.disk",
    "integrity.aide",
    "integrity.debsums",
    "integrity.rootkit",
    "integrity.antivirus",
];

#[test]
fn a_hardened_server_scores_100() {
    let root = Root::hardened();
    let scan = harden::scan(&root.host(), None, t0()).unwrap();
    let bad: Vec<String> = scan
        .checks
        .iter()
        .filter(|f| !matches!(f.status, Status::Pass | Status::NotApplicable))
        .map(|f| format!("{} {:?}: {} {:?}", f.id, f.status, f.detail, f.evidence))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert_eq!(scan.score, 100);
    assert!(scan.costs.is_empty());
    assert_eq!(scan.computer, "office-server");
    assert_eq!(scan.system, "Debian GNU/Linux 12 (bookworm)");
    assert!(!scan.has_serious_failure());
}

#[test]
fn the_end_of_life_of_a_rhel_family_system_comes_from_the_list() {
    let root = Root::hardened();
    root.file(
        "etc/os-release",
        "NAME=\"Rocky Linux\"\nID=\"rocky\"\nVERSION_ID=\"8.10\"\nPRETTY_NAME=\"Rocky Linux 8.10 (Green Obsidian)\"\n",
    )
    .file("etc/redhat-release", "Rocky Linux release 8.10 (Green Obsidian)\n");
    let f = run(&root, "updates.os_end_of_life");
    // Rocky Linux 8's security updates end on 2029-05-31; the fixture's
    // today is in November 2025.
    assert_eq!(f.status, Status::Pass, "{}", f.detail);
    assert!(f.detail.contains("Rocky Linux 8"), "{}", f.detail);
    assert!(
        f.evidence
            .iter()
            .any(|e| format!("{e:?}").contains("2029-05-31")),
        "{:?}",
        f.evidence
    );
}
