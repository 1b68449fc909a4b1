//! `shipshape health`: figures checked against the OS's own tools.

use crate::util::TestDir;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn health_json(dir: &TestDir) -> Value {
    let run = dir.run(&["health", "--json"]);
    run.success();
    serde_json::from_str(&run.stdout).unwrap()
}

fn meminfo(name: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/meminfo").unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{name}:")))
        .unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        * 1024
}

fn within_one_percent(ours: u64, theirs: u64) -> bool {
    ours.abs_diff(theirs) as f64 <= theirs as f64 * 0.01
}

#[test]
fn memory_matches_proc_meminfo() {
    let dir = TestDir::new();
    let s = health_json(&dir);
    let total = s["memory"]["total_bytes"].as_u64().unwrap();
    assert!(within_one_percent(total, meminfo("MemTotal")), "{total}");
    let used = s["memory"]["used_bytes"].as_u64().unwrap();
    let available = s["memory"]["available_bytes"].as_u64().unwrap();
    assert_eq!(used + available, total);
    assert!(within_one_percent(available, meminfo("MemAvailable")));
    let swap_total = s["swap"]["total_bytes"].as_u64().unwrap();
    assert!(within_one_percent(swap_total, meminfo("SwapTotal")) || swap_total == 0);
    // health needs no data folder.
    assert!(!dir.data().exists());
}

/// `df -B1`: mount point → (size, used, available).
fn df() -> BTreeMap<String, (u64, u64, u64)> {
    let out = std::process::Command::new("df")
        .args(["-B1", "--output=target,size,used,avail"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let n = fields.len();
            let num = |i: usize| fields[i].parse::<u64>().ok();
            Some((
                fields[..n - 3].join(" "),
                (num(n - 3)?, num(n - 2)?, num(n - 1)?),
            ))
        })
        .collect()
}

#[test]
fn every_disk_matches_df() {
    let dir = TestDir::new();
    let s = health_json(&dir);
    let df = df();
    let disks = s["disks"].as_array().unwrap();
    assert!(!disks.is_empty(), "no disks in {s}");
    for d in disks {
        let mount = d["mount_point"].as_str().unwrap();
        let (size, used, avail) = df[mount];
        let total_ours = d["total_bytes"].as_u64().unwrap();
        let used_ours = d["used_bytes"].as_u64().unwrap();
        let free_ours = d["free_bytes"].as_u64().unwrap();
        assert!(
            within_one_percent(total_ours, size),
            "{mount}: {d} vs {size}"
        );
        // Used and free move while the tests write: 1 % of the disk's size.
        assert!(
            used_ours.abs_diff(used) as f64 <= size as f64 * 0.01,
            "{mount}: {d} vs {used}"
        );
        assert!(
            free_ours.abs_diff(avail) as f64 <= size as f64 * 0.01,
            "{mount}: {d} vs {avail}"
        );
        assert!(d["inodes_total"].as_u64().unwrap() >= d["inodes_free"].as_u64().unwrap());
    }
}

#[test]
fn load_equals_proc_loadavg() {
    let dir = TestDir::new();
    // The kernel updates the averages every 5 s: agree within a few tries.
    for _ in 0..5 {
        let averages = || -> String {
            let text = std::fs::read_to_string("/proc/loadavg").unwrap();
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        };
        let before = averages();
        let s = health_json(&dir);
        let after = averages();
        let ours = format!(
            "{:.2} {:.2} {:.2}",
            s["load"]["one"].as_f64().unwrap(),
            s["load"]["five"].as_f64().unwrap(),
            s["load"]["fifteen"].as_f64().unwrap()
        );
        if before == after && ours == before {
            return;
        }
    }
    panic!("load never matched /proc/loadavg");
}

/// (protocol, port, programs) from `ss -ltnupH`.
fn ss() -> BTreeSet<(String, u64, BTreeSet<String>)> {
    let out = std::process::Command::new("ss")
        .arg("-ltnupH")
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let port = fields[4].rsplit(':').next().unwrap().parse().unwrap();
            let programs = line
                .split_once("users:(")
                .map(|(_, users)| {
                    users
                        .split("(\"")
                        .skip(1)
                        .map(|p| p.split('"').next().unwrap().to_string())
                        .collect()
                })
                .unwrap_or_default();
            (fields[0].to_string(), port, programs)
        })
        .collect()
}

fn ours(s: &Value) -> BTreeSet<(String, u64, BTreeSet<String>)> {
    s["sockets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|sock| {
            (
                sock["protocol"].as_str().unwrap().to_string(),
                sock["port"].as_u64().unwrap(),
                sock["processes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["name"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

#[test]
fn listening_sockets_match_ss() {
    let dir = TestDir::new();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = u64::from(listener.local_addr().unwrap().port());
    let mut last = None;
    for _ in 0..5 {
        let s = health_json(&dir);
        let (a, b) = (ours(&s), ss());
        if a == b {
            assert!(
                a.iter()
                    .any(|(p, n, progs)| p == "tcp" && *n == port && !progs.is_empty())
            );
            let sock = s["sockets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["port"].as_u64() == Some(port))
                .unwrap();
            assert_eq!(sock["address"], "127.0.0.1");
            return;
        }
        last = Some((a, b));
    }
    panic!("health and ss disagree: {last:#?}");
}

#[test]
fn health_prints_readable_lines() {
    let dir = TestDir::new();
    let run = dir.run(&["health"]);
    run.success();
    for label in [
        "CPU",
        "Load",
        "Memory",
        "Swap",
        "Disk",
        "Up for",
        "Restart",
        "Failed logins",
    ] {
        assert!(
            run.stdout.contains(label),
            "{label} missing:\n{}",
            run.stdout
        );
    }
}
