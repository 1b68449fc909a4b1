//! Human-readable figures for terminal output.

pub use shipshape_core::figures::bytes;

/// "3 days, 4 hours", "5 minutes".
pub fn duration(seconds: u64) -> String {
    let days = seconds / 86_400;
    let hours = (seconds % 86_400) / 3_600;
    let minutes = (seconds % 3_600) / 60;
    let plural = |n: u64, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if days > 0 {
        format!("{}, {}", plural(days, "day"), plural(hours, "hour"))
    } else if hours > 0 {
        format!("{}, {}", plural(hours, "hour"), plural(minutes, "minute"))
    } else {
        plural(minutes, "minute")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_use_binary_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(59), "0 minutes");
        assert_eq!(duration(61), "1 minute");
        assert_eq!(duration(3 * 3600 + 120), "3 hours, 2 minutes");
        assert_eq!(duration(86_400 + 3600), "1 day, 1 hour");
    }
}
