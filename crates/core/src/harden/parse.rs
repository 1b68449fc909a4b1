//! Small readers for the configuration file styles the checks meet:
//! "KEY value" (login.defs), "key=value" in [sections] (INI-like files of
//! journald, GDM, LightDM), each answering with the line it came from.

/// A setting found in a file: its value, its line (from 1) and the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub value: String,
    pub line: usize,
    pub text: String,
}

/// Meaningful lines: numbered from 1, trimmed, without blanks and comments.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
}

/// The last "KEY value" for `key` (as login.defs is read: a later line
/// overrides an earlier one).
pub fn word_setting(text: &str, key: &str) -> Option<Setting> {
    lines(text)
        .filter_map(|(n, l)| {
            let mut parts = l.split_whitespace();
            (parts.next()? == key).then(|| Setting {
                value: parts.next().unwrap_or("").trim_matches('"').to_string(),
                line: n,
                text: l.to_string(),
            })
        })
        .last()
}

/// The last `key=value` inside `[section]` (section names compared
/// without case; `section` "" means before any section header).
pub fn ini_setting(text: &str, section: &str, key: &str) -> Option<Setting> {
    let mut current = String::new();
    let mut found = None;
    for (n, l) in lines(text) {
        if let Some(name) = l.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            current = name.trim().to_ascii_lowercase();
            continue;
        }
        if current != section.to_ascii_lowercase() {
            continue;
        }
        if let Some((k, v)) = l.split_once('=')
            && k.trim() == key
        {
            found = Some(Setting {
                value: v.trim().trim_matches('"').trim_matches('\'').to_string(),
                line: n,
                text: l.to_string(),
            });
        }
    }
    found
}

/// The first `(line, text)` whose words satisfy `pred`.
pub fn find_line(text: &str, pred: impl Fn(&str) -> bool) -> Option<(usize, &str)> {
    lines(text).find(|(_, l)| pred(l))
}

/// Whether a value reads as "on": yes, true, 1, on.
pub fn truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "yes" | "true" | "1" | "on"
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn word_settings_take_the_last_line_and_skip_comments() {
        let text = "# PASS_MAX_DAYS 1\nPASS_MAX_DAYS\t99999\n  PASS_MAX_DAYS   90  \n";
        let s = word_setting(text, "PASS_MAX_DAYS").unwrap();
        assert_eq!((s.value.as_str(), s.line), ("90", 3));
        assert!(word_setting(text, "PASS_MIN_DAYS").is_none());
    }

    #[test]
    fn ini_settings_respect_sections() {
        let text =
            "[daemon]\nAutomaticLoginEnable = true\n[security]\nAutomaticLoginEnable=false\n";
        let s = ini_setting(text, "Daemon", "AutomaticLoginEnable").unwrap();
        assert_eq!((s.value.as_str(), s.line), ("true", 2));
        assert!(truthy(&s.value));
    }
}
