//! Fixture computers for the security checks: a folder laid out like a
//! Debian 12 root, built in a temporary folder with exact modes, owners
//! and links (which a committed tree could not keep).

use shipshape_core::harden::target::Target;
use shipshape_core::host::{APT_SECURITY_SIMULATION, FixtureRunner, Host};
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};

/// Days since 1970 of the tests' "today" (2026-11-24).
pub const TODAY: i64 = 20_416;

/// The gid of the "shadow" group in the fixture's /etc/group.
pub const SHADOW_GID: u32 = 42;

/// A ufw rules file as the package installs it, before any rule: ufw
/// writes "### END RULES ###" and the rest only with the first rule.
pub fn ufw_rules(prefix: &str) -> String {
    let limits = if prefix == "ufw" {
        ":ufw-user-limit - [0:0]\n:ufw-user-limit-accept - [0:0]\n### RULES ###\n-A ufw-user-limit -m limit --limit 3/minute -j LOG --log-prefix \"[UFW LIMIT BLOCK] \"\n-A ufw-user-limit -j REJECT\n-A ufw-user-limit-accept -j ACCEPT\n"
    } else {
        "### RULES ###\n"
    };
    format!(
        "*filter\n:{prefix}-user-input - [0:0]\n:{prefix}-user-output - [0:0]\n:{prefix}-user-forward - [0:0]\n{limits}COMMIT\n"
    )
}

#[derive(Debug)]
pub struct Root {
    tmp: tempfile::TempDir,
    apt: Option<String>,
    who: Option<String>,
}

impl Root {
    /// An empty root.
    pub fn empty() -> Root {
        Root {
            tmp: tempfile::tempdir().unwrap(),
            apt: None,
            who: None,
        }
    }

    pub fn path(&self) -> &Path {
        self.tmp.path()
    }

    pub fn at(&self, rel: &str) -> PathBuf {
        self.tmp.path().join(rel)
    }

    /// Writes a file (mode 0644, root-owned), creating its folders.
    pub fn file(&self, rel: &str, text: &str) -> &Self {
        self.file_mode(rel, text, 0o644)
    }

    pub fn file_mode(&self, rel: &str, text: &str, mode: u32) -> &Self {
        let p = self.at(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        if p.is_symlink() || p.is_file() {
            std::fs::remove_file(&p).unwrap();
        }
        std::fs::write(&p, text).unwrap();
        self.chmod(rel, mode)
    }

    pub fn dir(&self, rel: &str, mode: u32) -> &Self {
        std::fs::create_dir_all(self.at(rel)).unwrap();
        self.chmod(rel, mode)
    }

    pub fn chmod(&self, rel: &str, mode: u32) -> &Self {
        std::fs::set_permissions(self.at(rel), std::fs::Permissions::from_mode(mode)).unwrap();
        self
    }

    pub fn chown(&self, rel: &str, uid: u32, gid: u32) -> &Self {
        std::os::unix::fs::chown(self.at(rel), Some(uid), Some(gid)).unwrap();
        self
    }

    pub fn link(&self, rel: &str, target: &str) -> &Self {
        let p = self.at(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let _ = std::fs::remove_file(&p);
        symlink(target, p).unwrap();
        self
    }

    pub fn remove(&self, rel: &str) -> &Self {
        let p = self.at(rel);
        if p.is_dir() && !p.is_symlink() {
            std::fs::remove_dir_all(p).unwrap();
        } else {
            let _ = std::fs::remove_file(p);
        }
        self
    }

    /// Appends a line to a file.
    pub fn append(&self, rel: &str, line: &str) -> &Self {
        let p = self.at(rel);
        let mut text = std::fs::read_to_string(&p).unwrap_or_default();
        text.push_str(line);
        text.push('\n');
        std::fs::write(p, text).unwrap();
        self
    }

    /// Enables a systemd unit the way systemctl does: a link in a .wants folder.
    pub fn enable(&self, unit: &str) -> &Self {
        self.link(
            &format!("etc/systemd/system/multi-user.target.wants/{unit}"),
            &format!("/usr/lib/systemd/system/{unit}"),
        )
    }

    /// Sets a live kernel value under proc/sys ("kernel/kptr_restrict").
    pub fn sysctl(&self, key: &str, value: &str) -> &Self {
        self.file(&format!("proc/sys/{key}"), &format!("{value}\n"))
    }

    /// A program (an empty executable file).
    pub fn program(&self, rel: &str) -> &Self {
        self.file_mode(rel, "", 0o755)
    }

    /// What `apt-get -s upgrade` over the security sources prints.
    pub fn apt_output(&mut self, text: &str) -> &mut Self {
        self.apt = Some(text.to_string());
        self
    }

    /// What `who` prints: who is logged in, and from where.
    pub fn who_output(&mut self, text: &str) -> &mut Self {
        self.who = Some(text.to_string());
        self
    }

    /// A listening TCP socket in proc/net/tcp ("00000000" = 0.0.0.0).
    pub fn listen(&self, address_hex: &str, port: u16) -> &Self {
        let rel = "proc/net/tcp";
        let p = self.at(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let mut text = std::fs::read_to_string(&p).unwrap_or_else(|_| {
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n".to_string()
        });
        let n = text.lines().count() - 1;
        text.push_str(&format!(
            "   {n}: {address_hex}:{port:04X} 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 {} 1 0000000000000000 100 0 0 10 0\n",
            1000 + n
        ));
        std::fs::write(p, text).unwrap();
        self
    }

    /// The host as the scan sees it, run as administrator.
    pub fn host(&self) -> Target {
        let mut runner = FixtureRunner::new();
        if let Some(out) = &self.apt {
            runner = runner.with(&APT_SECURITY_SIMULATION.join(" "), out);
        }
        if let Some(out) = &self.who {
            runner = runner.with("who", out);
        }
        Target::on(
            Host::new(self.path().to_path_buf(), Box::new(runner)),
            TODAY,
        )
    }

    /// A Debian 12 server set up the way Shipshape recommends: every check
    /// that applies passes.
    pub fn hardened() -> Root {
        let mut r = Root::empty();
        r.file(
            "etc/os-release",
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n",
        )
        .file("etc/hostname", "office-server\n")
        // Accounts.
        .file(
            "etc/passwd",
            "root:x:0:0:root:/root:/bin/bash\n\
             daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n\
             alice:x:1000:1000:Alice:/home/alice:/bin/bash\n",
        )
        .file(
            "etc/group",
            "root:x:0:\nshadow:x:42:\nsudo:x:27:alice\nalice:x:1000:\n",
        )
        .file_mode(
            "etc/shadow",
            &format!(
                "root:!:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nalice:$y$j9T$salt$hash:{}:1:365:7:45::\n",
                TODAY - 10
            ),
            0o640,
        )
        .chown("etc/shadow", 0, SHADOW_GID)
        .file_mode("etc/gshadow", "root:*::\nshadow:*::\n", 0o640)
        .chown("etc/gshadow", 0, SHADOW_GID)
        .file(
            "etc/login.defs",
            "# Shadow suite settings\nPASS_MAX_DAYS\t365\nPASS_MIN_DAYS\t1\nPASS_WARN_AGE\t7\nUMASK\t\t027\nENCRYPT_METHOD YESCRYPT\n",
        )
        .file(
            "etc/pam.d/common-password",
            "password requisite pam_pwquality.so retry=3\npassword [success=1 default=ignore] pam_unix.so obscure use_authtok try_first_pass yescrypt\n",
        )
        .file(
            "etc/pam.d/common-auth",
            "auth required pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so\nauth requisite pam_deny.so\n",
        )
        .file("etc/pam.d/su", "auth required pam_wheel.so use_uid group=sugroup\n")
        .file_mode(
            "etc/sudoers",
            "Defaults\tuse_pty\nroot\tALL=(ALL:ALL) ALL\n%sudo\tALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n",
            0o440,
        )
        .dir("etc/sudoers.d", 0o750)
        .file("etc/default/useradd", "SHELL=/bin/sh\nINACTIVE=30\n")
        .dir("home/alice", 0o750)
        .dir("etc/sysctl.d", 0o755)
        // SSH server.
        .program("usr/sbin/sshd")
        .file_mode(
            "etc/ssh/sshd_config",
            "Include /etc/ssh/sshd_config.d/*.conf\nPermitRootLogin no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nX11Forwarding no\nMaxAuthTries 3\nLoginGraceTime 60\nSubsystem sftp /usr/lib/openssh/sftp-server\n",
            0o600,
        )
        .dir("etc/ssh/sshd_config.d", 0o755)
        .file_mode("etc/ssh/ssh_host_ed25519_key", "secret\n", 0o600)
        .file("etc/ssh/ssh_host_ed25519_key.pub", "ssh-ed25519 AAAA root@office\n")
        // Firewall.
        .program("usr/sbin/ufw")
        .file("etc/ufw/ufw.conf", "ENABLED=yes\nLOGLEVEL=low\n")
        .file("etc/default/ufw", "IPV6=yes\nDEFAULT_INPUT_POLICY=\"DROP\"\nDEFAULT_OUTPUT_POLICY=\"ACCEPT\"\n")
        .file("etc/ufw/user.rules", &ufw_rules("ufw"))
        .file("etc/ufw/user6.rules", &ufw_rules("ufw6"))
        // Updates.
        .program("usr/bin/unattended-upgrade")
        .file(
            "etc/apt/apt.conf.d/20auto-upgrades",
            "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n",
        )
        .file(
            "etc/apt/sources.list.d/debian.sources",
            "Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\n\
             Types: deb\nURIs: http://deb.debian.org/debian-security\nSuites: bookworm-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n",
        )
        // Services: SSH listens, nothing risky.
        .listen("00000000", 22)
        // Files.
        .file_mode("etc/crontab", "# m h dom mon dow user command\n", 0o600)
        .dir("etc/cron.d", 0o700)
        .dir("etc/cron.daily", 0o700)
        .dir("tmp", 0o1777)
        .dir("var/tmp", 0o1777)
        .file_mode("usr/bin/passwd", "", 0o4755)
        .file_mode("usr/bin/su", "", 0o4755)
        // Kernel.
        .sysctl("kernel/randomize_va_space", "2")
        .sysctl("kernel/kptr_restrict", "1")
        .sysctl("kernel/dmesg_restrict", "1")
        .sysctl("kernel/yama/ptrace_scope", "1")
        .sysctl("kernel/unprivileged_bpf_disabled", "2")
        .sysctl("kernel/osrelease", "6.1.0-test-amd64")
        .sysctl("fs/protected_hardlinks", "1")
        .sysctl("fs/protected_symlinks", "1")
        .sysctl("fs/protected_fifos", "1")
        .sysctl("fs/protected_regular", "2")
        .sysctl("fs/suid_dumpable", "0")
        .sysctl("net/ipv4/tcp_syncookies", "1")
        .sysctl("net/ipv4/ip_forward", "0")
        .sysctl("net/ipv4/icmp_echo_ignore_broadcasts", "1")
        .sysctl("net/ipv6/conf/all/forwarding", "0");
        for scope in ["all", "default"] {
            r.sysctl(&format!("net/ipv4/conf/{scope}/rp_filter"), "1")
                .sysctl(&format!("net/ipv4/conf/{scope}/accept_redirects"), "0")
                .sysctl(&format!("net/ipv4/conf/{scope}/secure_redirects"), "0")
                .sysctl(&format!("net/ipv4/conf/{scope}/send_redirects"), "0")
                .sysctl(&format!("net/ipv4/conf/{scope}/accept_source_route"), "0")
                .sysctl(&format!("net/ipv4/conf/{scope}/log_martians"), "1")
                .sysctl(&format!("net/ipv6/conf/{scope}/accept_redirects"), "0")
                .sysctl(&format!("net/ipv6/conf/{scope}/accept_source_route"), "0");
        }
        r.file("proc/modules", "ext4 1 2 - Live 0x0\n")
            .file(
                "etc/modprobe.d/shipshape.conf",
                "install dccp /bin/false\nblacklist dccp\ninstall sctp /bin/false\ninstall rds /bin/false\ninstall tipc /bin/false\ninstall usb-storage /bin/false\ninstall firewire-core /bin/false\n",
            )
            .file("sys/module/apparmor/parameters/enabled", "Y\n")
            .file("etc/security/limits.conf", "# limits\n*               hard    core            0\n")
            // Logging.
            .program("usr/lib/systemd/systemd-journald")
            .file("etc/systemd/journald.conf", "[Journal]\nStorage=persistent\n")
            .program("usr/sbin/auditd")
            .enable("auditd.service")
            .file("etc/audit/rules.d/50-identity.rules", "-w /etc/passwd -p wa -k identity\n")
            .program("usr/sbin/logrotate")
            .file("etc/logrotate.conf", "weekly\nrotate 4\n")
            .program("usr/sbin/accton")
            .enable("acct.service")
            // Time.
            .enable("systemd-timesyncd.service")
            // Boot.
            .file_mode(
                "boot/grub/grub.cfg",
                "set superusers=\"admin\"\npassword_pbkdf2 admin grub.pbkdf2.sha512.10000.ABCDEF\nmenuentry 'Debian' {}\n",
                0o600,
            )
            // Disk encryption.
            .file("etc/crypttab", "sda3_crypt UUID=0f1e none luks,discard\n")
            // Integrity and malware tools.
            .program("usr/bin/aide")
            .file("var/lib/aide/aide.db", "db\n")
            .program("usr/bin/debsums")
            .program("usr/bin/rkhunter")
            .program("usr/bin/clamscan")
            .enable("clamav-freshclam.service")
            // Banners.
            .file("etc/issue", "Authorised use only.\n")
            .file("etc/issue.net", "Authorised use only.\n")
            .file("etc/motd", "Welcome. Report problems to the office manager.\n");
        r.apt_output("Reading package lists...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n");
        r
    }

    /// Makes this root a GNOME desktop with the screen lock set for everyone.
    pub fn desktop(&self) -> &Self {
        self.program("usr/sbin/gdm3")
            .program("usr/bin/gnome-shell")
            .file("etc/gdm3/custom.conf", "[daemon]\n# AutomaticLoginEnable = true\n\n[xdmcp]\n\n[security]\n")
            .file(
                "etc/dconf/db/local.d/00-screensaver",
                "[org/gnome/desktop/session]\nidle-delay=uint32 300\n\n[org/gnome/desktop/screensaver]\nlock-enabled=true\n",
            )
    }
}
