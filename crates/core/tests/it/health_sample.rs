//! A sample of a fixture computer: every figure read from its files.

use crate::health_fixture::Fixture;
use crate::util::t0;
use chrono::Duration;
use shipshape_core::health::Sampler;
use shipshape_core::host::FixtureRunner;

const MEMINFO: &str = "MemTotal:       16000000 kB
MemFree:         1000000 kB
MemAvailable:    4000000 kB
SwapTotal:       2000000 kB
SwapFree:        1500000 kB
";

const NET_DEV: &str = "Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 9000 1 0 0 0 0 0 0 9000 1 0 0 0 0 0 0
  eth0: 1000 1 0 0 0 0 0 0 2000 1 0 0 0 0 0 0
";

fn computer() -> Fixture {
    let f = Fixture::new();
    f.write("/proc/meminfo", MEMINFO)
        .write("/proc/loadavg", "0.50 1.25 2.00 1/200 4242\n")
        .write("/proc/uptime", "93784.12 180000.00\n")
        .write("/proc/net/dev", NET_DEV)
        .write("/proc/vmstat", "pswpin 100\npswpout 200\n")
        .write(
            "/proc/self/mountinfo",
            "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n\
             23 22 0:5 / /proc rw - proc proc rw\n\
             24 22 0:21 / /run rw - tmpfs tmpfs rw\n\
             25 22 8:1 /home /srv/home rw - ext4 /dev/sda1 rw\n",
        )
        .write("/var/run/reboot-required", "*** System restart required ***\n")
        .write("/var/run/reboot-required.pkgs", "linux-image-6.1\nlibc6\nlinux-image-6.1\n")
        .write("/sys/class/hwmon/hwmon0/name", "coretemp\n")
        .write("/sys/class/hwmon/hwmon0/temp1_input", "45500\n")
        .write("/sys/class/hwmon/hwmon0/temp1_label", "Package id 0\n")
        .write("/sys/class/hwmon/hwmon0/temp1_crit", "100000\n")
        .write("/sys/class/power_supply/AC/type", "Mains\n")
        .write("/sys/class/power_supply/BAT0/type", "Battery\n")
        .write("/sys/class/power_supply/BAT0/capacity", "87\n")
        .write("/sys/class/power_supply/BAT0/status", "Discharging\n")
        .write(
            "/var/log/auth.log",
            "2026-11-24T09:25:00.000000+00:00 office sshd[9]: Failed password for root from 10.0.0.7 port 1 ssh2\n\
             2026-11-24T09:26:00.000000+00:00 office sshd[9]: Failed password for root from 10.0.0.7 port 2 ssh2\n\
             2026-11-24T09:27:00.000000+00:00 office sshd[9]: Invalid user bob from 10.0.0.8 port 3\n\
             2026-11-24T09:28:00.000000+00:00 office sshd[9]: Accepted password for alice from 10.0.0.2 port 4 ssh2\n\
             2026-11-24T07:00:00.000000+00:00 office sshd[9]: Failed password for root from 10.0.0.7 port 5 ssh2\n",
        );
    f
}

#[test]
fn a_fixture_computer_reads_as_its_files_say() {
    let f = computer();
    let runner = FixtureRunner::new().with(
        "who",
        "alice    pts/0        Nov 24 09:30 (10.0.0.2)\nbob      tty1         Nov 24 08:00\n",
    );
    let mut sampler = Sampler::new(f.host(runner), t0() - Duration::seconds(10)).unwrap();
    f.write(
        "/proc/net/dev",
        &NET_DEV
            .replace("1000 1", "6000 1")
            .replace("2000 1", "3000 1"),
    )
    .write("/proc/vmstat", "pswpin 150\npswpout 300\n");
    let s = sampler.sample(t0()).unwrap();

    assert_eq!(s.time, t0());
    assert_eq!(s.memory.total_bytes, 16_000_000 * 1024);
    assert_eq!(s.memory.available_bytes, 4_000_000 * 1024);
    assert_eq!(s.memory.used_bytes, 12_000_000 * 1024);
    assert_eq!(s.swap.total_bytes, 2_000_000 * 1024);
    assert_eq!(s.swap.used_bytes, 500_000 * 1024);
    assert_eq!(s.swapping.in_pages_per_second, Some(5.0));
    assert_eq!(s.swapping.out_pages_per_second, Some(10.0));
    assert_eq!((s.load.one, s.load.five, s.load.fifteen), (0.5, 1.25, 2.0));
    assert_eq!(s.uptime_seconds, 93784);

    // Loopback is not throughput; eth0 moved 5000 bytes in, 1000 out in 10 s.
    assert_eq!(s.network.len(), 1);
    assert_eq!(s.network[0].name, "eth0");
    assert_eq!(s.network[0].rx_bytes_per_second, Some(500.0));
    assert_eq!(s.network[0].tx_bytes_per_second, Some(100.0));
    assert_eq!(s.network[0].rx_bytes_total, 6000);

    // proc and tmpfs are not disks; the bind mount of /home is / again.
    assert_eq!(s.disks.len(), 1, "{:?}", s.disks);
    let disk = &s.disks[0];
    assert_eq!(
        (disk.mount_point.as_str(), disk.file_system.as_str()),
        ("/", "ext4")
    );
    assert_eq!(disk.device, "/dev/sda1");
    assert!(disk.total_bytes > 0 && disk.used_bytes + disk.free_bytes <= disk.total_bytes);
    assert!(disk.inodes_total >= disk.inodes_free);

    assert!(s.reboot.required);
    assert_eq!(s.reboot.packages, vec!["libc6", "linux-image-6.1"]);
    assert_eq!(s.users.len(), 2);
    assert_eq!(s.users[0].name, "alice");
    assert_eq!(s.users[0].from.as_deref(), Some("10.0.0.2"));
    assert_eq!(s.users[1].from, None);
    assert_eq!(s.temperatures.len(), 1);
    assert_eq!(s.temperatures[0].label, "coretemp Package id 0");
    assert_eq!(s.temperatures[0].celsius, 45.5);
    assert_eq!(s.temperatures[0].critical_celsius, Some(100.0));
    assert_eq!(s.batteries.len(), 1);
    assert_eq!(s.batteries[0].percent, Some(87.0));
    assert_eq!(s.batteries[0].status, "Discharging");

    // No journal here: auth.log is read instead, and the journal named.
    let logins = &s.failed_logins;
    assert_eq!(logins.source.as_deref(), Some("/var/log/auth.log"));
    assert_eq!(logins.unreadable.len(), 1, "{:?}", logins.unreadable);
    assert_eq!(logins.count, 3);
    assert_eq!(
        logins.by_address(t0() - Duration::minutes(10)),
        vec![("10.0.0.7".to_string(), 2), ("10.0.0.8".to_string(), 1)]
    );
    assert!(s.problems.is_empty(), "{:?}", s.problems);
}

#[test]
fn the_journal_is_preferred_when_there_is_one() {
    let f = computer();
    f.write("/var/log/journal/0123/system.journal", "");
    let line = |secs_before: i64, msg: &str| {
        let micros = (t0() - Duration::seconds(secs_before)).timestamp_micros();
        format!("{{\"__REALTIME_TIMESTAMP\":\"{micros}\",\"MESSAGE\":\"{msg}\"}}\n")
    };
    let journal = line(
        60,
        "Failed password for admin from 192.0.2.1 port 40000 ssh2",
    ) + &line(
        30,
        "Failed password for admin from 192.0.2.1 port 40001 ssh2",
    );
    let runner = FixtureRunner::new().with("journalctl", &journal);
    let mut sampler = Sampler::new(f.host(runner), t0()).unwrap();
    let s = sampler.sample(t0()).unwrap();
    assert_eq!(
        s.failed_logins.source.as_deref(),
        Some("the system journal")
    );
    assert_eq!(s.failed_logins.count, 2);
    assert_eq!(s.failed_logins.attempts[0].user, "admin");
    // `who` is missing from this fixture: said, not hidden.
    assert_eq!(s.problems.len(), 1, "{:?}", s.problems);
    assert!(s.problems[0].contains("who"));
}

#[test]
fn no_source_of_failed_logins_is_reported() {
    let f = computer();
    std::fs::remove_file(f.path("/var/log/auth.log")).unwrap();
    let mut sampler = Sampler::new(f.host(FixtureRunner::new()), t0()).unwrap();
    let s = sampler.sample(t0()).unwrap();
    assert_eq!(s.failed_logins.source, None);
    assert_eq!(s.failed_logins.unreadable.len(), 2);
    // The first sample after a start has no rates yet when no time passed.
    assert_eq!(s.network[0].rx_bytes_per_second, None);
}

#[test]
fn without_memory_figures_a_sample_fails_plainly() {
    let f = Fixture::new();
    let mut sampler = Sampler::new(f.host(FixtureRunner::new()), t0()).unwrap();
    let err = sampler.sample(t0()).unwrap_err();
    assert!(err.message.contains("meminfo"), "{err:?}");
}
