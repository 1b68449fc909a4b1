//! One `Sample` of the computer: what it is doing right now.
//!
//! Memory, swap, load, disks, network and the rest come from /proc, /sys
//! and statvfs under the host's root, so the figures are exactly what the
//! kernel says (memory used is MemTotal − MemAvailable, as `free` counts
//! it). CPU use and the busiest processes come from sysinfo (so they are
//! always the running computer's, whatever the root), which needs two
//! readings some time apart: the `Sampler` keeps the previous one, and so
//! the counters that become rates (network bytes, swap pages).

use super::logins::{self, FailedLogins};
use super::sockets::{self, Socket};
use super::{Host, system};
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use sysinfo::{CpuRefreshKind, ProcessRefreshKind, ProcessesToUpdate, RefreshKind, System};
use ts_rs::TS;

/// How many processes each "busiest" list shows.
const TOP: usize = 5;

/// Processor use, in percent of each core's time since the last sample.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Cpu {
    /// All cores together, 0 to 100.
    pub total_percent: f32,
    /// One entry per logical core, 0 to 100.
    pub per_core_percent: Vec<f32>,
    /// Logical cores (hardware threads).
    pub cores: u32,
}

/// How many programs were running or waiting to run, averaged over the
/// last 1, 5 and 15 minutes (/proc/loadavg).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Load {
    pub one: f64,
    pub five: f64,
    pub fifteen: f64,
}

/// Memory or swap, in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Memory {
    #[ts(type = "number")]
    pub total_bytes: u64,
    /// Total minus available.
    #[ts(type = "number")]
    pub used_bytes: u64,
    /// What new programs can still have without swapping (MemAvailable;
    /// for swap, SwapFree).
    #[ts(type = "number")]
    pub available_bytes: u64,
}

/// Pages moved between memory and swap per second (/proc/vmstat pswpin,
/// pswpout); `None` on the first sample, which has nothing to compare with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Swapping {
    pub in_pages_per_second: Option<f64>,
    pub out_pages_per_second: Option<f64>,
}

/// A mounted disk, in bytes as `df -B1` counts them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Disk {
    pub mount_point: String,
    /// "ext4", "btrfs", "vfat"…
    pub file_system: String,
    /// What is mounted, e.g. "/dev/sda1".
    pub device: String,
    #[ts(type = "number")]
    pub total_bytes: u64,
    #[ts(type = "number")]
    pub used_bytes: u64,
    /// What ordinary users can still write (root keeps a reserve).
    #[ts(type = "number")]
    pub free_bytes: u64,
    /// Used out of what users can have, as `df` shows "Use%", 0 to 100.
    pub used_percent: f64,
    #[ts(type = "number")]
    pub inodes_total: u64,
    #[ts(type = "number")]
    pub inodes_free: u64,
}

/// A network interface's throughput since the last sample.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NetworkInterface {
    pub name: String,
    /// `None` on the first sample, or when the counters were reset.
    pub rx_bytes_per_second: Option<f64>,
    pub tx_bytes_per_second: Option<f64>,
    /// Received and sent since the interface came up.
    #[ts(type = "number")]
    pub rx_bytes_total: u64,
    #[ts(type = "number")]
    pub tx_bytes_total: u64,
}

/// A running program.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ProcessUsage {
    pub pid: u32,
    pub name: String,
    /// Percent of one core: a program using two cores fully shows 200.
    pub cpu_percent: f32,
    /// Resident memory.
    #[ts(type = "number")]
    pub memory_bytes: u64,
}

/// Whether installed updates wait for a restart (/var/run/reboot-required).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Reboot {
    pub required: bool,
    /// The packages that asked for it, when listed.
    pub packages: Vec<String>,
}

/// Someone logged in (as `who` shows).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LoggedInUser {
    pub name: String,
    /// "pts/0", "tty1", ":0".
    pub terminal: String,
    /// When they logged in, as `who` prints it.
    pub since: String,
    /// The remote address or display, when not at the keyboard.
    pub from: Option<String>,
}

/// A temperature sensor (/sys/class/hwmon).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Temperature {
    /// "coretemp Package id 0", "nvme Composite".
    pub label: String,
    pub celsius: f64,
    /// Where the hardware says it is in danger, when it says.
    pub critical_celsius: Option<f64>,
}

/// A battery (/sys/class/power_supply).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Battery {
    pub name: String,
    /// Charge, 0 to 100, when the battery says.
    pub percent: Option<f64>,
    /// "Charging", "Discharging", "Full", "Not charging" or "Unknown".
    pub status: String,
}

/// Everything about the computer at one moment. The JSON field names are
/// stable: `shipshape health --json` prints this.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Sample {
    pub time: DateTime<Utc>,
    pub cpu: Cpu,
    pub load: Load,
    pub memory: Memory,
    pub swap: Memory,
    pub swapping: Swapping,
    /// Real disks only: no kernel or memory-backed file systems, each
    /// device once.
    pub disks: Vec<Disk>,
    /// Every interface but loopback.
    pub network: Vec<NetworkInterface>,
    /// The five busiest processes by CPU, busiest first.
    pub top_cpu: Vec<ProcessUsage>,
    /// The five largest processes by resident memory, largest first.
    pub top_memory: Vec<ProcessUsage>,
    #[ts(type = "number")]
    pub uptime_seconds: u64,
    pub reboot: Reboot,
    pub users: Vec<LoggedInUser>,
    pub temperatures: Vec<Temperature>,
    pub batteries: Vec<Battery>,
    /// Every listening socket with its program.
    pub sockets: Vec<Socket>,
    pub failed_logins: FailedLogins,
    /// Parts that could not be read, in plain words.
    pub problems: Vec<String>,
}

/// Counters that become rates between two samples.
#[derive(Debug, Clone)]
struct Counters {
    time: DateTime<Utc>,
    network: HashMap<String, (u64, u64)>,
    swap_pages: Option<(u64, u64)>,
}

/// Takes samples of one host, keeping what the next sample compares with.
#[derive(Debug)]
pub struct Sampler {
    host: Host,
    system: System,
    previous: Counters,
}

impl Sampler {
    /// Takes the first readings; the first sample's rates are measured from
    /// here, so wait a moment (at least 200 ms) before sampling.
    pub fn new(host: Host, now: DateTime<Utc>) -> Result<Self> {
        let refresh = RefreshKind::nothing().with_cpu(CpuRefreshKind::nothing().with_usage());
        let mut system = System::new_with_specifics(refresh).map_err(|e| {
            Error::new(
                ErrorCode::Io,
                format!("Could not read this computer's processor use: {e}."),
                "Try again; if it persists, check that /proc is readable.",
            )
        })?;
        refresh_processes(&mut system);
        let previous = counters(&host, now);
        Ok(Sampler {
            host,
            system,
            previous,
        })
    }

    /// One sample at `now`. Fails only when memory or load cannot be read,
    /// which every Linux computer provides; other parts that cannot be read
    /// are left empty and named in `problems`.
    pub fn sample(&mut self, now: DateTime<Utc>) -> Result<Sample> {
        let host = &self.host;
        let mut problems = Vec::new();
        let meminfo = host
            .read("/proc/meminfo")
            .map(|t| system::meminfo(&t))
            .map_err(|e| Error::io("read", &host.path("/proc/meminfo"), &e))?;
        let figure = |name: &str| meminfo.get(name).copied().unwrap_or(0);
        let memory_total = figure("MemTotal");
        let memory_available = figure("MemAvailable").min(memory_total);
        let swap_total = figure("SwapTotal");
        let swap_free = figure("SwapFree").min(swap_total);
        let load_path = host.path("/proc/loadavg");
        let [one, five, fifteen] = host
            .read("/proc/loadavg")
            .map_err(|e| Error::io("read", &load_path, &e))
            .and_then(|t| {
                system::loadavg(&t).ok_or_else(|| {
                    Error::internal(format!(
                        "{} does not read as load averages.",
                        load_path.display()
                    ))
                })
            })?;

        self.system.refresh_cpu_usage();
        refresh_processes(&mut self.system);
        let cpus = self.system.cpus();
        let processes: Vec<ProcessUsage> = self
            .system
            .processes()
            .values()
            // Kernel threads have no memory of their own and no program.
            .filter(|p| p.memory() > 0)
            .map(|p| ProcessUsage {
                pid: p.pid().as_u32(),
                name: p.name().to_string_lossy().into_owned(),
                cpu_percent: p.cpu_usage(),
                memory_bytes: p.memory(),
            })
            .collect();

        let current = counters(host, now);
        let elapsed = (current.time - self.previous.time).as_seconds_f64();
        let rate = |before: u64, after: u64| {
            (elapsed > 0.0 && after >= before).then(|| (after - before) as f64 / elapsed)
        };
        let network = match host.read("/proc/net/dev") {
            Ok(text) => system::net_dev(&text)
                .into_iter()
                .filter(|(name, _, _)| name != "lo")
                .map(|(name, rx, tx)| {
                    let before = self.previous.network.get(&name);
                    NetworkInterface {
                        rx_bytes_per_second: before.and_then(|b| rate(b.0, rx)),
                        tx_bytes_per_second: before.and_then(|b| rate(b.1, tx)),
                        rx_bytes_total: rx,
                        tx_bytes_total: tx,
                        name,
                    }
                })
                .collect(),
            Err(e) => {
                problems.push(format!("network: {e}"));
                Vec::new()
            }
        };
        let swapping = match (self.previous.swap_pages, current.swap_pages) {
            (Some(before), Some(after)) => Swapping {
                in_pages_per_second: rate(before.0, after.0),
                out_pages_per_second: rate(before.1, after.1),
            },
            _ => Swapping::default(),
        };
        self.previous = current;

        let users = match host.run(&["who"]) {
            Ok(out) if out.success() => system::who(&out.stdout)
                .into_iter()
                .map(|(name, terminal, since, from)| LoggedInUser {
                    name,
                    terminal,
                    since,
                    from,
                })
                .collect(),
            Ok(out) => {
                problems.push(format!(
                    "logged-in users: who failed ({})",
                    out.stderr.trim()
                ));
                Vec::new()
            }
            Err(e) => {
                problems.push(format!("logged-in users: who could not run ({e})"));
                Vec::new()
            }
        };

        Ok(Sample {
            time: now,
            cpu: Cpu {
                total_percent: self.system.global_cpu_usage(),
                per_core_percent: cpus.iter().map(|c| c.usage()).collect(),
                cores: cpus.len() as u32,
            },
            load: Load { one, five, fifteen },
            memory: Memory {
                total_bytes: memory_total,
                used_bytes: memory_total - memory_available,
                available_bytes: memory_available,
            },
            swap: Memory {
                total_bytes: swap_total,
                used_bytes: swap_total - swap_free,
                available_bytes: swap_free,
            },
            swapping,
            disks: disks(host, &mut problems),
            network,
            top_cpu: top(&processes, |a, b| b.cpu_percent.total_cmp(&a.cpu_percent)),
            top_memory: top(&processes, |a, b| b.memory_bytes.cmp(&a.memory_bytes)),
            uptime_seconds: host
                .read("/proc/uptime")
                .ok()
                .and_then(|t| system::uptime(&t))
                .unwrap_or(0),
            reboot: reboot(host),
            users,
            temperatures: temperatures(host),
            batteries: batteries(host),
            sockets: sockets::listening(host),
            failed_logins: logins::last_hour(host, now),
            problems,
        })
    }
}

fn refresh_processes(system: &mut System) {
    system.refresh_processes_specifics(
        ProcessesToUpdate::All,
        true,
        ProcessRefreshKind::nothing().with_cpu().with_memory(),
    );
}

fn counters(host: &Host, now: DateTime<Utc>) -> Counters {
    Counters {
        time: now,
        network: host
            .read("/proc/net/dev")
            .map(|t| {
                system::net_dev(&t)
                    .into_iter()
                    .map(|(name, rx, tx)| (name, (rx, tx)))
                    .collect()
            })
            .unwrap_or_default(),
        swap_pages: host
            .read("/proc/vmstat")
            .ok()
            .and_then(|t| system::swap_pages(&t)),
    }
}

fn top(
    processes: &[ProcessUsage],
    order: impl Fn(&ProcessUsage, &ProcessUsage) -> std::cmp::Ordering,
) -> Vec<ProcessUsage> {
    let mut sorted = processes.to_vec();
    sorted.sort_by(|a, b| order(a, b).then(a.pid.cmp(&b.pid)));
    sorted.truncate(TOP);
    sorted
}

/// Every real disk once: pseudo file systems are skipped, and of a device
/// mounted several times (bind mounts) the mount of its own top folder
/// with the shortest path is kept. Single files mounted over others
/// (containers do that) are not disks.
fn disks(host: &Host, problems: &mut Vec<String>) -> Vec<Disk> {
    let text = match host.read("/proc/self/mountinfo") {
        Ok(t) => t,
        Err(e) => {
            problems.push(format!("disks: /proc/self/mountinfo: {e}"));
            return Vec::new();
        }
    };
    let mut mounts: Vec<system::Mount> = system::mountinfo(&text)
        .into_iter()
        .filter(|m| !system::is_pseudo(&m.file_system))
        .collect();
    mounts.sort_by(|a, b| {
        (a.fs_root != "/", a.mount_point.len(), &a.mount_point).cmp(&(
            b.fs_root != "/",
            b.mount_point.len(),
            &b.mount_point,
        ))
    });
    let mut seen = HashSet::new();
    let mut disks = Vec::new();
    for m in mounts {
        let path = host.path(&m.mount_point);
        if !path.is_dir() || !seen.insert(m.device_id.clone()) {
            continue;
        }
        let stat = match rustix::fs::statvfs(&path) {
            Ok(s) => s,
            Err(e) => {
                problems.push(format!("disk {}: {e}", m.mount_point));
                continue;
            }
        };
        if stat.f_blocks == 0 {
            continue;
        }
        let block = stat.f_frsize;
        let used = (stat.f_blocks - stat.f_bfree.min(stat.f_blocks)) * block;
        let free = stat.f_bavail * block;
        let usable = used + free;
        disks.push(Disk {
            mount_point: m.mount_point,
            file_system: m.file_system,
            device: m.source,
            total_bytes: stat.f_blocks * block,
            used_bytes: used,
            free_bytes: free,
            used_percent: if usable == 0 {
                0.0
            } else {
                used as f64 * 100.0 / usable as f64
            },
            inodes_total: stat.f_files,
            inodes_free: stat.f_ffree,
        });
    }
    disks.sort_by(|a, b| a.mount_point.cmp(&b.mount_point));
    disks
}

fn reboot(host: &Host) -> Reboot {
    let flag = ["/var/run/reboot-required", "/run/reboot-required"]
        .into_iter()
        .find(|f| host.path(f).exists());
    match flag {
        None => Reboot::default(),
        Some(flag) => Reboot {
            required: true,
            packages: host
                .read(&format!("{flag}.pkgs"))
                .map(|t| {
                    let mut list: Vec<String> = t
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(String::from)
                        .collect();
                    list.sort();
                    list.dedup();
                    list
                })
                .unwrap_or_default(),
        },
    }
}

/// The entries of a /sys class folder, sorted, as (name, path).
fn class_entries(host: &Host, class: &str) -> Vec<(String, std::path::PathBuf)> {
    let mut entries: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(host.path(class))
        .map(|dir| {
            dir.flatten()
                .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
                .collect()
        })
        .unwrap_or_default();
    entries.sort();
    entries
}

fn read_trimmed(path: &std::path::Path) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_string())
}

/// Every temperature sensor: hwmon reports thousandths of a degree.
fn temperatures(host: &Host) -> Vec<Temperature> {
    let millis = |path: &std::path::Path| -> Option<f64> {
        read_trimmed(path)?.parse::<f64>().ok().map(|m| m / 1000.0)
    };
    let mut found = Vec::new();
    for (_, dir) in class_entries(host, "/sys/class/hwmon") {
        let chip = read_trimmed(&dir.join("name")).unwrap_or_default();
        let mut inputs: Vec<String> = std::fs::read_dir(&dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("temp") && n.ends_with("_input"))
                    .collect()
            })
            .unwrap_or_default();
        inputs.sort();
        for input in inputs {
            let stem = input.trim_end_matches("_input");
            let Some(celsius) = millis(&dir.join(&input)) else {
                continue;
            };
            let label = read_trimmed(&dir.join(format!("{stem}_label")))
                .unwrap_or_else(|| stem.to_string());
            found.push(Temperature {
                label: format!("{chip} {label}").trim().to_string(),
                celsius,
                critical_celsius: millis(&dir.join(format!("{stem}_crit"))),
            });
        }
    }
    found
}

fn batteries(host: &Host) -> Vec<Battery> {
    class_entries(host, "/sys/class/power_supply")
        .into_iter()
        .filter(|(_, dir)| read_trimmed(&dir.join("type")).as_deref() == Some("Battery"))
        .map(|(name, dir)| Battery {
            name,
            percent: read_trimmed(&dir.join("capacity")).and_then(|c| c.parse().ok()),
            status: read_trimmed(&dir.join("status")).unwrap_or_else(|| "Unknown".into()),
        })
        .collect()
}
