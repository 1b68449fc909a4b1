//! SSH keys in an `authorized_keys` file: each key's type, fingerprint
//! (as `ssh-keygen -lf` prints it: SHA-256 of the key, base64 without
//! padding), comment and options such as `from=`. A line that is not a
//! key is reported, never guessed at.

use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

/// One key that may log in to an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "AuthorizedKey")]
pub struct Key {
    /// The file it is in, and its line (from 1).
    pub file: String,
    pub line: u32,
    /// "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", …
    pub kind: String,
    /// "SHA256:…", as `ssh-keygen -lf` prints it.
    pub fingerprint: String,
    pub comment: String,
    /// Restrictions written before the key: `from="10.0.0.0/8"`, `no-pty`, …
    pub options: Vec<String>,
}

/// Key types OpenSSH accepts in `authorized_keys`.
fn is_key_type(word: &str) -> bool {
    word.starts_with("ssh-")
        || word.starts_with("ecdsa-sha2-")
        || word.starts_with("sk-ssh-")
        || word.starts_with("sk-ecdsa-")
}

/// Splits the options at the start of a line at commas outside quotes;
/// the rest of the line after them.
fn options(line: &str) -> (Vec<String>, &str) {
    let mut opts = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => {
                current.push(c);
                escaped = false;
            }
            '\\' if quoted => {
                current.push(c);
                escaped = true;
            }
            '"' => {
                current.push(c);
                quoted = !quoted;
            }
            ',' if !quoted => opts.push(std::mem::take(&mut current)),
            ' ' | '\t' if !quoted => {
                opts.push(current);
                return (opts, line[i..].trim_start());
            }
            _ => current.push(c),
        }
    }
    opts.push(current);
    (opts, "")
}

/// The keys in `text` (an `authorized_keys` file at `file`), and a
/// sentence for each line that is not one.
pub fn parse(file: &str, text: &str) -> (Vec<Key>, Vec<String>) {
    let mut keys = Vec::new();
    let mut problems = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let number = n as u32 + 1;
        let first = line.split_whitespace().next().unwrap_or_default();
        let (opts, rest) = if is_key_type(first) {
            (Vec::new(), line)
        } else {
            options(line)
        };
        let mut words = rest.split_whitespace();
        let (Some(kind), Some(blob)) = (words.next(), words.next()) else {
            problems.push(format!("{file} line {number} is not a key."));
            continue;
        };
        let decoded = base64::engine::general_purpose::STANDARD.decode(blob);
        match decoded {
            Ok(bytes) if is_key_type(kind) && names(&bytes) == Some(kind) => {
                let digest = Sha256::digest(&bytes);
                keys.push(Key {
                    file: file.to_string(),
                    line: number,
                    kind: kind.to_string(),
                    fingerprint: format!(
                        "SHA256:{}",
                        base64::engine::general_purpose::STANDARD_NO_PAD.encode(digest)
                    ),
                    comment: words.collect::<Vec<_>>().join(" "),
                    options: opts.into_iter().filter(|o| !o.is_empty()).collect(),
                });
            }
            _ => problems.push(format!(
                "{file} line {number} is not a key OpenSSH would accept."
            )),
        }
    }
    (keys, problems)
}

/// The key type a key's own bytes name (its first field: a 4-byte
/// length, then the name).
fn names(blob: &[u8]) -> Option<&str> {
    let len = u32::from_be_bytes(blob.get(..4)?.try_into().ok()?) as usize;
    std::str::from_utf8(blob.get(4..4 + len)?).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// An ed25519 key's wire form: its name, then 32 bytes.
    fn blob(seed: u8) -> String {
        let mut b = Vec::new();
        b.extend(11u32.to_be_bytes());
        b.extend(b"ssh-ed25519");
        b.extend(32u32.to_be_bytes());
        b.extend([seed; 32]);
        base64::engine::general_purpose::STANDARD.encode(b)
    }

    #[test]
    fn keys_with_options_and_comments_are_read_and_bad_lines_named() {
        let text = format!(
            "# the office\nssh-ed25519 {} sam@laptop\nfrom=\"10.0.0.0/8,192.168.1.0/24\",no-pty,command=\"echo a b\" ssh-ed25519 {} backup key\n\nssh-rsa notbase64!! x\nssh-ed25519\ngarbage line here\nssh-rsa {}\n",
            blob(1),
            blob(2),
            blob(3)
        );
        let (keys, problems) = parse("/home/sam/.ssh/authorized_keys", &text);
        assert_eq!(keys.len(), 2, "{keys:?}");
        assert_eq!(keys[0].comment, "sam@laptop");
        assert_eq!(keys[0].line, 2);
        assert!(keys[0].fingerprint.starts_with("SHA256:"));
        assert_eq!(keys[0].fingerprint.len(), 7 + 43);
        assert_eq!(
            keys[1].options,
            [
                "from=\"10.0.0.0/8,192.168.1.0/24\"",
                "no-pty",
                "command=\"echo a b\""
            ]
        );
        assert_eq!(keys[1].comment, "backup key");
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(
            problems[3].contains("line 8"),
            "a key whose bytes name another type"
        );
    }
}
