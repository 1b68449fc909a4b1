//! Parsers for the /proc and /sys files a sample is made of. Each takes the
//! file's text, so tests feed it fixture text.

use std::collections::HashMap;

/// /proc/meminfo as name → bytes (the file says kB and means KiB).
pub fn meminfo(text: &str) -> HashMap<String, u64> {
    text.lines()
        .filter_map(|line| {
            let (name, rest) = line.split_once(':')?;
            let mut parts = rest.split_whitespace();
            let value: u64 = parts.next()?.parse().ok()?;
            let factor = if parts.next() == Some("kB") { 1024 } else { 1 };
            Some((name.to_string(), value * factor))
        })
        .collect()
}

/// /proc/loadavg: the 1, 5 and 15 minute load averages.
pub fn loadavg(text: &str) -> Option<[f64; 3]> {
    let mut parts = text.split_whitespace().map(|p| p.parse::<f64>().ok());
    Some([parts.next()??, parts.next()??, parts.next()??])
}

/// /proc/uptime: whole seconds since boot.
pub fn uptime(text: &str) -> Option<u64> {
    let seconds: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(seconds as u64)
}

/// /proc/net/dev: interface → (bytes received, bytes sent), in file order.
pub fn net_dev(text: &str) -> Vec<(String, u64, u64)> {
    text.lines()
        .skip(2)
        .filter_map(|line| {
            let (name, rest) = line.split_once(':')?;
            let fields: Vec<u64> = rest
                .split_whitespace()
                .map(|f| f.parse().ok())
                .collect::<Option<_>>()?;
            // 8 receive columns, then transmit: bytes first in each.
            Some((name.trim().to_string(), *fields.first()?, *fields.get(8)?))
        })
        .collect()
}

/// /proc/vmstat: pages swapped in and out since boot.
pub fn swap_pages(text: &str) -> Option<(u64, u64)> {
    let mut pswpin = None;
    let mut pswpout = None;
    for line in text.lines() {
        let mut parts = line.split_whitespace();
        match (parts.next(), parts.next().and_then(|v| v.parse().ok())) {
            (Some("pswpin"), Some(v)) => pswpin = Some(v),
            (Some("pswpout"), Some(v)) => pswpout = Some(v),
            _ => {}
        }
    }
    Some((pswpin?, pswpout?))
}

/// One line of /proc/self/mountinfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mount {
    /// "major:minor" of the device: two mounts of one device share it.
    pub device_id: String,
    /// The folder of the file system mounted here ("/" unless a bind mount).
    pub fs_root: String,
    pub mount_point: String,
    pub file_system: String,
    pub source: String,
}

/// /proc/self/mountinfo. Mount points have spaces and such escaped as
/// octal (`\040`); they are unescaped here.
pub fn mountinfo(text: &str) -> Vec<Mount> {
    text.lines()
        .filter_map(|line| {
            let (before, after) = line.split_once(" - ")?;
            let fields: Vec<&str> = before.split(' ').collect();
            let mut after = after.split(' ');
            Some(Mount {
                device_id: fields.get(2)?.to_string(),
                fs_root: unescape(fields.get(3)?),
                mount_point: unescape(fields.get(4)?),
                file_system: after.next()?.to_string(),
                source: unescape(after.next()?),
            })
        })
        .collect()
}

fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\'
            && let Some(octal) = s.get(i + 1..i + 4)
            && let Ok(b) = u8::from_str_radix(octal, 8)
        {
            out.push(b);
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// File systems the kernel makes up as they are read: interfaces to the
/// kernel and devices, not files kept anywhere.
pub fn is_kernel(file_system: &str) -> bool {
    const KERNEL: &[&str] = &[
        "binfmt_misc",
        "bpf",
        "cgroup",
        "cgroup2",
        "configfs",
        "debugfs",
        "devpts",
        "devtmpfs",
        "efivarfs",
        "fusectl",
        "hugetlbfs",
        "mqueue",
        "nsfs",
        "proc",
        "pstore",
        "rpc_pipefs",
        "securityfs",
        "selinuxfs",
        "sysfs",
        "tracefs",
        "fuse.lxcfs",
    ];
    KERNEL.contains(&file_system)
}

/// File systems that are not disks: kernel interfaces, memory-backed
/// scratch space, and read-only images (snaps) that are always "full".
pub fn is_pseudo(file_system: &str) -> bool {
    const NOT_DISKS: &[&str] = &[
        "autofs",
        "ramfs",
        "squashfs",
        "tmpfs",
        "iso9660",
        "fuse.gvfsd-fuse",
        "fuse.portal",
    ];
    is_kernel(file_system) || NOT_DISKS.contains(&file_system)
}

/// `who` in the C locale: "alice    pts/0        Nov 24 09:30 (10.0.0.7)".
pub fn who(text: &str) -> Vec<(String, String, String, Option<String>)> {
    text.lines()
        .filter_map(|line| {
            let (line, from) = match line.rfind(" (") {
                Some(i) if line.ends_with(')') => {
                    (&line[..i], Some(line[i + 2..line.len() - 1].to_string()))
                }
                _ => (line, None),
            };
            let mut parts = line.split_whitespace();
            let user = parts.next()?.to_string();
            let terminal = parts.next()?.to_string();
            let since = parts.collect::<Vec<_>>().join(" ");
            Some((user, terminal, since, from))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meminfo_is_in_bytes() {
        let m = meminfo("MemTotal:       16318080 kB\nHugePages_Total:       0\n");
        assert_eq!(m["MemTotal"], 16318080 * 1024);
        assert_eq!(m["HugePages_Total"], 0);
    }

    #[test]
    fn loadavg_and_uptime() {
        assert_eq!(
            loadavg("0.16 1.24 1.72 2/84 9337\n"),
            Some([0.16, 1.24, 1.72])
        );
        assert_eq!(loadavg("garbage"), None);
        assert_eq!(uptime("35212.53 70111.20\n"), Some(35212));
    }

    #[test]
    fn net_dev_reads_bytes_both_ways() {
        let text = "Inter-|   Receive                                                |  Transmit\n face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n    lo:    1000      10    0    0    0     0          0         0     1000      10    0    0    0     0       0          0\n  eth0: 5000 50 0 0 0 0 0 0 7000 70 0 0 0 0 0 0\n";
        assert_eq!(
            net_dev(text),
            vec![("lo".into(), 1000, 1000), ("eth0".into(), 5000, 7000)]
        );
    }

    #[test]
    fn vmstat_swap_counters() {
        assert_eq!(
            swap_pages("nr_free_pages 1\npswpin 12\npswpout 34\n"),
            Some((12, 34))
        );
        assert_eq!(swap_pages("nr_free_pages 1\n"), None);
    }

    #[test]
    fn mountinfo_unescapes_mount_points() {
        let text = "29 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n\
                    40 29 8:2 / /mnt/my\\040disk rw - vfat /dev/sdb1 rw\n";
        let mounts = mountinfo(text);
        assert_eq!(mounts.len(), 2);
        assert_eq!(mounts[0].mount_point, "/");
        assert_eq!(mounts[0].file_system, "ext4");
        assert_eq!(mounts[1].mount_point, "/mnt/my disk");
        assert_eq!(mounts[1].device_id, "8:2");
    }

    #[test]
    fn who_lines() {
        let users = who(
            "alice    pts/0        Nov 24 09:30 (10.0.0.7)\nbob      tty1         Nov 24 08:00\n",
        );
        assert_eq!(
            users,
            vec![
                (
                    "alice".into(),
                    "pts/0".into(),
                    "Nov 24 09:30".into(),
                    Some("10.0.0.7".into())
                ),
                ("bob".into(), "tty1".into(), "Nov 24 08:00".into(), None),
            ]
        );
    }
}
