//! Facts about this computer, for the Overview screen and `shipshape info`.

use crate::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use sysinfo::{CpuRefreshKind, Disks, MemoryRefreshKind, RefreshKind, System};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ComputerFacts {
    pub hostname: String,
    /// The OS as its vendor names it, e.g. "Debian GNU/Linux".
    pub os_name: String,
    /// e.g. "12".
    pub os_version: String,
    pub kernel: String,
    #[ts(type = "number")]
    pub uptime_seconds: u64,
    pub cpu_model: String,
    /// Logical cores (hardware threads).
    pub cpu_cores: u32,
    #[ts(type = "number")]
    pub memory_total_bytes: u64,
    /// Total minus what is available to new programs.
    #[ts(type = "number")]
    pub memory_used_bytes: u64,
    /// Sums over `disks`.
    #[ts(type = "number")]
    pub disk_total_bytes: u64,
    #[ts(type = "number")]
    pub disk_used_bytes: u64,
    pub disks: Vec<DiskFacts>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DiskFacts {
    pub mount_point: String,
    pub file_system: String,
    #[ts(type = "number")]
    pub total_bytes: u64,
    #[ts(type = "number")]
    pub used_bytes: u64,
    #[ts(type = "number")]
    pub available_bytes: u64,
}

fn unavailable(what: &str, e: sysinfo::Error) -> Error {
    Error::new(
        ErrorCode::Io,
        format!("Could not read this computer's {what}: {e}."),
        "Try again; if it persists, check that /proc and /sys are readable.",
    )
}

/// Reads the facts from the running system.
/// This computer's name, as notices and reports name it.
pub fn hostname() -> String {
    System::host_name().unwrap_or_else(|_| "this computer".into())
}

pub fn read() -> Result<ComputerFacts> {
    let refresh = RefreshKind::nothing()
        .with_memory(MemoryRefreshKind::nothing().with_ram())
        .with_cpu(CpuRefreshKind::nothing());
    let system =
        System::new_with_specifics(refresh).map_err(|e| unavailable("processor and memory", e))?;
    let cpus = system.cpus();
    let cpu_model = cpus
        .first()
        .map(|c| c.brand().trim().to_string())
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| "Unknown processor".into());
    let disks = Disks::new_with_refreshed_list().map_err(|e| unavailable("disks", e))?;
    // The same device mounted twice (bind mounts) is counted once.
    let mut seen = HashSet::new();
    let disks: Vec<DiskFacts> = disks
        .iter()
        .filter(|d| d.total_space() > 0 && seen.insert(d.name().to_os_string()))
        .map(|d| DiskFacts {
            mount_point: d.mount_point().display().to_string(),
            file_system: d.file_system().to_string_lossy().into_owned(),
            total_bytes: d.total_space(),
            used_bytes: d.total_space().saturating_sub(d.available_space()),
            available_bytes: d.available_space(),
        })
        .collect();
    Ok(ComputerFacts {
        hostname: hostname(),
        os_name: System::name().unwrap_or_else(|_| std::env::consts::OS.into()),
        os_version: System::os_version().unwrap_or_default(),
        kernel: System::kernel_version().unwrap_or_default(),
        uptime_seconds: System::uptime().map_err(|e| unavailable("uptime", e))?,
        cpu_model,
        cpu_cores: cpus.len() as u32,
        memory_total_bytes: system.total_memory(),
        memory_used_bytes: system.used_memory(),
        disk_total_bytes: disks.iter().map(|d| d.total_bytes).sum(),
        disk_used_bytes: disks.iter().map(|d| d.used_bytes).sum(),
        disks,
    })
}
