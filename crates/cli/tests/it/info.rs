//! `shipshape info`: this computer's facts.

use crate::util::TestDir;
use serde_json::Value;

fn mem_total_kib() -> u64 {
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
    let line = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .unwrap();
    let kib = line.split_whitespace().nth(1).unwrap();
    kib.parse().unwrap()
}

#[test]
fn info_json_has_the_real_facts() {
    let dir = TestDir::new();
    let run = dir.run(&["info", "--json"]);
    run.success();
    let facts: Value = serde_json::from_str(&run.stdout).unwrap();

    let hostname = facts["hostname"].as_str().unwrap();
    assert!(!hostname.is_empty());
    let kernel_hostname = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
    assert_eq!(hostname, kernel_hostname.trim());

    assert_eq!(
        facts["memory_total_bytes"].as_u64().unwrap(),
        mem_total_kib() * 1024
    );
    let used = facts["memory_used_bytes"].as_u64().unwrap();
    assert!(used > 0 && used <= mem_total_kib() * 1024);

    assert!(facts["cpu_cores"].as_u64().unwrap() >= 1);
    assert!(!facts["cpu_model"].as_str().unwrap().is_empty());
    assert!(!facts["kernel"].as_str().unwrap().is_empty());

    let disks = facts["disks"].as_array().unwrap();
    assert!(!disks.is_empty(), "no disks in {facts}");
    let mut total = 0;
    for d in disks {
        let t = d["total_bytes"].as_u64().unwrap();
        assert!(t > 0, "{d}");
        assert!(d["used_bytes"].as_u64().unwrap() <= t, "{d}");
        assert!(d["available_bytes"].as_u64().unwrap() <= t, "{d}");
        assert!(d["mount_point"].as_str().unwrap().starts_with('/'), "{d}");
        total += t;
    }
    assert_eq!(facts["disk_total_bytes"].as_u64().unwrap(), total);

    // info needs no data folder.
    assert!(!dir.data().exists());
}

#[test]
fn info_prints_readable_lines() {
    let dir = TestDir::new();
    let run = dir.run(&["info"]);
    run.success();
    for label in [
        "Computer",
        "System",
        "Kernel",
        "Processor",
        "Memory",
        "Disk",
    ] {
        assert!(
            run.stdout.contains(label),
            "{label} missing:\n{}",
            run.stdout
        );
    }
    assert!(
        run.stdout.contains("iB") || run.stdout.contains(" B "),
        "{}",
        run.stdout
    );
}
