//! Debian's order of package versions ("1:2.0~rc1-3" and the like), as
//! `dpkg --compare-versions` decides it: epoch first, then the upstream
//! version and the Debian revision, each compared in runs of non-digits
//! (where "~" sorts before everything, even the end) and numbers.

use std::cmp::Ordering;

/// Compares two version strings the way dpkg does.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (ea, ua, ra) = split(a);
    let (eb, ub, rb) = split(b);
    ea.cmp(&eb)
        .then_with(|| part(ua, ub))
        .then_with(|| part(ra, rb))
}

/// Epoch, upstream version and revision; a missing epoch is 0.
fn split(v: &str) -> (u64, &str, &str) {
    let v = v.trim();
    let (epoch, rest) = match v.split_once(':') {
        Some((e, r)) if e.chars().all(|c| c.is_ascii_digit()) => (e.parse().unwrap_or(0), r),
        _ => (0, v),
    };
    match rest.rsplit_once('-') {
        Some((u, r)) => (epoch, u, r),
        None => (epoch, rest, ""),
    }
}

/// Where a character sorts among non-digits: "~" first, then the end of
/// the string, then letters, then everything else.
fn weight(c: Option<char>) -> i32 {
    match c {
        Some('~') => -1,
        None => 0,
        Some(c) if c.is_ascii_alphabetic() => c as i32,
        Some(c) => c as i32 + 256,
    }
}

fn part(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    while !a.is_empty() || !b.is_empty() {
        // The non-digit runs, character by character.
        loop {
            let ca = a
                .first()
                .filter(|c| !c.is_ascii_digit())
                .map(|c| *c as char);
            let cb = b
                .first()
                .filter(|c| !c.is_ascii_digit())
                .map(|c| *c as char);
            if ca.is_none() && cb.is_none() {
                break;
            }
            let order = weight(ca).cmp(&weight(cb));
            if order != Ordering::Equal {
                return order;
            }
            a = &a[1..];
            b = &b[1..];
        }
        // Then the numbers, leading zeros ignored.
        let na = a.iter().take_while(|c| c.is_ascii_digit()).count();
        let nb = b.iter().take_while(|c| c.is_ascii_digit()).count();
        let (da, db) = (trim_zeros(&a[..na]), trim_zeros(&b[..nb]));
        let order = da.len().cmp(&db.len()).then_with(|| da.cmp(db));
        if order != Ordering::Equal {
            return order;
        }
        a = &a[na..];
        b = &b[nb..];
    }
    Ordering::Equal
}

fn trim_zeros(digits: &[u8]) -> &[u8] {
    let start = digits.iter().take_while(|c| **c == b'0').count();
    &digits[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs dpkg orders as given (`dpkg --compare-versions A lt B`).
    const ASCENDING: &[(&str, &str)] = &[
        ("1.0~rc1", "1.0"),
        ("1.0", "1.0-1"),
        ("1.0-1", "1.0-2"),
        ("1.0-9", "1.0-10"),
        ("1.9", "1.10"),
        ("2.0", "1:0.1"),
        ("6.1.0-25-amd64", "6.1.0-26-amd64"),
        ("6.1.112-1", "6.1.115-1"),
        ("1.0a", "1.0b"),
        ("1.0", "1.0a"),
        ("1.0+b1", "1.0.1"),
        ("3.11.2-6", "3.11.2-6+deb12u1"),
        ("0:1.2", "1:1.1"),
        ("1.002", "1.3"),
    ];

    #[test]
    fn orders_versions_as_dpkg_does() {
        for (low, high) in ASCENDING {
            assert_eq!(compare(low, high), Ordering::Less, "{low} < {high}");
            assert_eq!(compare(high, low), Ordering::Greater, "{high} > {low}");
        }
        assert_eq!(compare("1.02", "1.2"), Ordering::Equal);
        assert_eq!(compare("0:1.2-1", "1.2-1"), Ordering::Equal);
    }

    /// The same pairs, asked of the real dpkg where it is installed.
    #[test]
    fn agrees_with_dpkg() {
        if std::process::Command::new("dpkg")
            .arg("--version")
            .output()
            .is_err()
        {
            return;
        }
        for (low, high) in ASCENDING {
            let lt = std::process::Command::new("dpkg")
                .args(["--compare-versions", low, "lt", high])
                .status()
                .expect("dpkg runs");
            assert!(lt.success(), "dpkg: {low} < {high}");
        }
    }
}
