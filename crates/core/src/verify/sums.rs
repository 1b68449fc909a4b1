//! Checksum lists: the `SHA256SUMS`, `B3SUMS` and `*.sha256` files that
//! publishers put beside their downloads.
//!
//! Three shapes are read, line by line, and may be mixed in one list:
//!
//! - GNU coreutils and b3sum: `<hex>  <name>` (text mode), `<hex> *<name>`
//!   (binary mode) and `<hex> <name>` (one space, as `md5 -r` writes it; the
//!   name then cannot start with a space or `*`).
//! - BSD tags: `SHA256 (<name>) = <hex>`, also `SHA512`, `BLAKE3`, `SHA1`,
//!   `MD5`, and OpenSSL's `SHA256(<name>)= <hex>`. The name ends at the
//!   line's last `)`, so names may contain `)`.
//! - Either of them with a leading `\`: the name is escaped, `\\` for a
//!   backslash, `\n` for a newline and `\r` for a carriage return (coreutils
//!   9 and later; coreutils 8 and b3sum write only the first two).
//!
//! Tolerated: a UTF-8 byte-order mark, CRLF line ends, blank lines, `#`
//! comment lines, upper-case hex (digests come out lower-case).
//!
//! Names are bytes, as on Linux: a list may name a file whose name is not
//! UTF-8, and that file can still be found. A name may only point inside
//! the list's own folder: absolute names and any `..` are refused, `./` and
//! doubled slashes are normalised away.
//!
//! The algorithm comes from the BSD tag, or from the digest's length.
//! SHA-256 and BLAKE3 both have 64 hex digits; the caller's explicit choice
//! or the list's file name decides between them, and when neither does the
//! list is refused rather than guessed at.

use super::Algorithm;
use crate::{Error, Result};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// The largest list read. Real lists are kilobytes; anything this big is
/// the wrong file. Callers need read no more than one byte past it (for
/// example with `Read::take`): `parse` then refuses the list in plain words.
pub const MAX_LIST_BYTES: usize = 64 * 1024 * 1024;

/// How much of a bad line an error message shows.
const SHOWN_CHARS: usize = 80;

/// A parsed checksum list: one entry per (file, algorithm), in list order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChecksumList {
    pub entries: Vec<ListedFile>,
}

/// One file the list vouches for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFile {
    /// Relative to the list's folder, normalised: no `./`, no `//`, `/`
    /// between folders. Raw bytes: not necessarily UTF-8.
    pub name: Vec<u8>,
    pub algorithm: Algorithm,
    /// Lower-case hex.
    pub digest: String,
    /// 1-based line of the list where the file first appears.
    pub line: usize,
}

impl ListedFile {
    /// The name for people: invalid UTF-8 shown as U+FFFD, control
    /// characters (a newline in a name) escaped.
    pub fn display(&self) -> String {
        display_name(&self.name)
    }
}

impl ChecksumList {
    /// The entry for `name`, a path relative to the list's folder (`./a`
    /// and `a` are the same). Only the whole relative path matches: a list
    /// naming `x64/setup.exe` says nothing about `setup.exe`, and this does
    /// not guess. If the list has the file under several algorithms, a
    /// strong one (not SHA-1 or MD5) is preferred, then list order.
    pub fn find(&self, name: &[u8]) -> Option<&ListedFile> {
        let name = normalise_name(name, cfg!(windows)).ok()?;
        self.entries
            .iter()
            .filter(|e| e.name == name)
            .min_by_key(|e| e.algorithm.is_weak())
    }
}

/// Reads a checksum list. `list_name` is the list's file name (or path):
/// it is quoted in errors and may say which algorithm a 64-digit list
/// uses. `algorithm`, when the user chose one, is what every line must
/// be: it settles SHA-256 against BLAKE3, and a line of another algorithm
/// is an error rather than silently checked some other way.
pub fn parse(bytes: &[u8], list_name: &str, algorithm: Option<Algorithm>) -> Result<ChecksumList> {
    if bytes.len() > MAX_LIST_BYTES {
        return Err(Error::invalid_input(
            format!(
                "\"{list_name}\" is {} MiB; a checksum list may be at most {} MiB.",
                bytes.len().div_ceil(1024 * 1024),
                MAX_LIST_BYTES / (1024 * 1024)
            ),
            "Choose the checksum list the publisher provides (such as SHA256SUMS), not the download itself.",
        ));
    }
    if bytes.contains(&0) {
        return Err(Error::invalid_input(
            format!("\"{list_name}\" is not a checksum list: it contains binary data."),
            "Choose the checksum list the publisher provides (such as SHA256SUMS), not the download itself.",
        ));
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let from_name = algorithm_from_list_name(list_name);

    let mut entries: Vec<ListedFile> = Vec::new();
    let mut seen: HashMap<(Vec<u8>, Algorithm), usize> = HashMap::new();
    for (index, raw) in text.split(|b| *b == b'\n').enumerate() {
        let line_no = index + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let body = trim_start(line);
        if body.is_empty() || body[0] == b'#' {
            continue;
        }
        let parsed = parse_line(body).map_err(|why| {
            Error::invalid_input(
                format!(
                    "Line {line_no} of \"{list_name}\" is not a checksum line ({why}): \"{}\"",
                    shown(line)
                ),
                "Check that this is the publisher's checksum list and that it was downloaded completely.",
            )
        })?;
        let algorithm = resolve_algorithm(&parsed, algorithm, from_name, list_name, line_no)?;
        let name = normalise_name(&parsed.name, cfg!(windows)).map_err(|why| {
            Error::invalid_input(
                format!(
                    "Line {line_no} of \"{list_name}\" names \"{}\", which {why}.",
                    shown(&parsed.name)
                ),
                "A checksum list may only name files in its own folder or below it. \
                 Do not use this list; get it again from the publisher.",
            )
        })?;
        let digest = String::from_utf8_lossy(parsed.digest).to_ascii_lowercase();
        match seen.entry((name, algorithm)) {
            Entry::Occupied(first) => {
                let earlier = &entries[*first.get()];
                if earlier.digest != digest {
                    return Err(Error::invalid_input(
                        format!(
                            "\"{list_name}\" lists \"{}\" twice with different {} digests, on line {} and line {line_no}.",
                            shown(&earlier.name),
                            algorithm.label(),
                            earlier.line,
                        ),
                        "A file has one digest; the list is damaged or was tampered with. \
                         Do not use it; get it again from the publisher.",
                    ));
                }
            }
            Entry::Vacant(slot) => {
                let name = slot.key().0.clone();
                slot.insert(entries.len());
                entries.push(ListedFile {
                    name,
                    algorithm,
                    digest,
                    line: line_no,
                });
            }
        }
    }
    if entries.is_empty() {
        return Err(Error::invalid_input(
            format!("\"{list_name}\" contains no checksums."),
            "Choose the checksum list the publisher provides (such as SHA256SUMS).",
        ));
    }
    Ok(ChecksumList { entries })
}

/// The algorithm a list's file name announces: `SHA256SUMS`,
/// `sha256sums.txt`, `setup.exe.sha256`, `B3SUMS`, `x.b3`, `x.blake3`,
/// `SHA512SUMS.asc`, `MD5SUMS`... `None` when the name says nothing, or
/// names two different algorithms. A folder in front is ignored.
pub fn algorithm_from_list_name(list_name: &str) -> Option<Algorithm> {
    let base = list_name.rsplit(['/', '\\']).next().unwrap_or(list_name);
    let mut found: Option<Algorithm> = None;
    for word in base
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let word = word.to_ascii_lowercase();
        let stem = word
            .strip_suffix("sums")
            .or_else(|| word.strip_suffix("sum"))
            .unwrap_or(&word);
        let algorithm = match stem {
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            "b3" | "blake3" => Algorithm::Blake3,
            "sha1" => Algorithm::Sha1,
            "md5" => Algorithm::Md5,
            _ => continue,
        };
        match found {
            Some(earlier) if earlier != algorithm => return None,
            _ => found = Some(algorithm),
        }
    }
    found
}

/// One line for `shipshape hash`, as GNU `sha256sum` (coreutils 9) writes
/// it: `<hex>  <name>\n`, or, when the name contains a backslash, newline
/// or carriage return, `\<hex>  <escaped name>\n`. `sha256sum -c`,
/// `sha512sum -c` and `b3sum -c` accept it (b3sum and coreutils 8 only
/// when the name has no carriage return: they do not know `\r`).
pub fn format_line(algorithm: Algorithm, digest: &str, name: &[u8]) -> Vec<u8> {
    debug_assert_eq!(digest.len(), algorithm.hex_len(), "digest length");
    let escape = name.iter().any(|b| matches!(b, b'\\' | b'\n' | b'\r'));
    let mut out = Vec::with_capacity(digest.len() + name.len() + 8);
    if escape {
        out.push(b'\\');
    }
    out.extend(digest.bytes().map(|b| b.to_ascii_lowercase()));
    out.extend_from_slice(b"  ");
    for &b in name {
        match b {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
    out.push(b'\n');
    out
}

/// A line taken apart, before its algorithm is settled.
struct ParsedLine<'a> {
    tag: Option<Algorithm>,
    /// Hex digits, checked.
    digest: &'a [u8],
    /// Unescaped, not yet normalised.
    name: Vec<u8>,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn trim_start(s: &[u8]) -> &[u8] {
    let start = s.iter().position(|b| !is_blank(*b)).unwrap_or(s.len());
    &s[start..]
}

fn trim_end(s: &[u8]) -> &[u8] {
    let end = s.iter().rposition(|b| !is_blank(*b)).map_or(0, |i| i + 1);
    &s[..end]
}

/// `body` has no leading blanks, no line end, and is not empty.
fn parse_line(body: &[u8]) -> std::result::Result<ParsedLine<'_>, String> {
    let (escaped, body) = match body.strip_prefix(b"\\") {
        Some(rest) => (true, rest),
        None => (false, body),
    };
    match split_tag(body) {
        Some((tag, rest)) => parse_tagged(tag, rest, escaped),
        None => parse_untagged(body, escaped),
    }
}

/// `SHA256 (` or `SHA256(`: the tag and what follows the parenthesis.
fn split_tag(body: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = body
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-'))?;
    let tag = &body[..end];
    // A bare digest is never a tag: `<hex> (name)` is an untagged line.
    if tag.is_empty() || tag.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let rest = &body[end..];
    let rest = rest.strip_prefix(b" ").unwrap_or(rest);
    rest.strip_prefix(b"(").map(|rest| (tag, rest))
}

fn parse_tagged<'a>(
    tag: &[u8],
    rest: &'a [u8],
    escaped: bool,
) -> std::result::Result<ParsedLine<'a>, String> {
    let tag_text = String::from_utf8_lossy(tag);
    let algorithm = Algorithm::parse(&tag_text).map_err(|_| {
        format!("{tag_text} is not an algorithm Shipshape checks; it knows SHA256, SHA512, BLAKE3, SHA1 and MD5")
    })?;
    let close = rest
        .iter()
        .rposition(|b| *b == b')')
        .ok_or("the name has no closing parenthesis")?;
    let after = trim_start(&rest[close + 1..]);
    let digest = after
        .strip_prefix(b"=")
        .map(|d| trim_end(trim_start(d)))
        .ok_or("\"=\" does not follow the name")?;
    check_hex(digest)?;
    if digest.len() != algorithm.hex_len() {
        return Err(format!(
            "a {} digest has {} hex digits, this one has {}",
            algorithm.label(),
            algorithm.hex_len(),
            digest.len()
        ));
    }
    Ok(ParsedLine {
        tag: Some(algorithm),
        digest,
        name: unescape_if(&rest[..close], escaped)?,
    })
}

fn parse_untagged(body: &[u8], escaped: bool) -> std::result::Result<ParsedLine<'_>, String> {
    let end = body.iter().position(|b| is_blank(*b)).unwrap_or(body.len());
    let digest = &body[..end];
    check_hex(digest)?;
    if Algorithm::by_hex_len(digest.len()).is_empty() {
        return Err(format!(
            "{} hex digits is not the length of any digest Shipshape knows",
            digest.len()
        ));
    }
    // The digest, one blank, then ` ` (text) or `*` (binary) and the name;
    // without either, the name follows the single blank (`md5 -r` style).
    // Unlike coreutils, `<hex>  ` and `<hex> *` are lines without a name,
    // not lines naming " " or "*": they are what a cut-off name leaves.
    let mut name = body.get(end + 1..).unwrap_or_default();
    if name.first().is_some_and(|b| *b == b' ' || *b == b'*') {
        name = &name[1..];
    }
    if name.is_empty() {
        return Err("no file name follows the digest".to_string());
    }
    Ok(ParsedLine {
        tag: None,
        digest,
        name: unescape_if(name, escaped)?,
    })
}

fn check_hex(digest: &[u8]) -> std::result::Result<(), String> {
    if digest.is_empty() {
        return Err("there is no digest".to_string());
    }
    if !digest.iter().all(u8::is_ascii_hexdigit) {
        return Err("the digest is not hexadecimal".to_string());
    }
    Ok(())
}

/// Undoes coreutils' escaping: `\\`, `\n`, `\r`; any other backslash
/// makes the line invalid, as it does for `sha256sum -c`.
fn unescape_if(name: &[u8], escaped: bool) -> std::result::Result<Vec<u8>, String> {
    if !escaped {
        return Ok(name.to_vec());
    }
    let mut out = Vec::with_capacity(name.len());
    let mut bytes = name.iter();
    while let Some(&b) = bytes.next() {
        if b != b'\\' {
            out.push(b);
            continue;
        }
        match bytes.next() {
            Some(b'\\') => out.push(b'\\'),
            Some(b'n') => out.push(b'\n'),
            Some(b'r') => out.push(b'\r'),
            _ => {
                return Err(
                    "in an escaped name a backslash must be followed by \\, n or r".to_string(),
                );
            }
        }
    }
    Ok(out)
}

fn resolve_algorithm(
    parsed: &ParsedLine<'_>,
    chosen: Option<Algorithm>,
    from_name: Option<Algorithm>,
    list_name: &str,
    line_no: usize,
) -> Result<Algorithm> {
    let len = parsed.digest.len();
    if let Some(tag) = parsed.tag {
        return match chosen {
            Some(chosen) if chosen != tag => Err(Error::invalid_input(
                format!(
                    "Line {line_no} of \"{list_name}\" is a {} checksum, but {} was chosen.",
                    tag.label(),
                    chosen.label()
                ),
                format!(
                    "Choose {} for this list, or use the list for {}.",
                    tag.name(),
                    chosen.label()
                ),
            )),
            _ => Ok(tag),
        };
    }
    if let Some(chosen) = chosen {
        if chosen.hex_len() != len {
            return Err(Error::invalid_input(
                format!(
                    "Line {line_no} of \"{list_name}\" has a {len}-digit digest, but {} digests have {} digits.",
                    chosen.label(),
                    chosen.hex_len()
                ),
                "Choose the algorithm the list was made with, or leave the choice to Shipshape.",
            ));
        }
        return Ok(chosen);
    }
    match Algorithm::by_hex_len(len).as_slice() {
        [only] => Ok(*only),
        candidates => match from_name {
            Some(named) if candidates.contains(&named) => Ok(named),
            _ => Err(Error::invalid_input(
                format!(
                    "Line {line_no} of \"{list_name}\" has a {len}-digit digest: SHA-256 or BLAKE3? \
                     Both have {len} digits, the list's name does not say which, and Shipshape will not guess."
                ),
                "Name the list SHA256SUMS or B3SUMS (or *.sha256 or *.b3), or pass --algo sha256|blake3.",
            )),
        },
    }
}

/// The normalised relative name, or why it is refused (completing "which …").
fn normalise_name(name: &[u8], windows: bool) -> std::result::Result<Vec<u8>, &'static str> {
    if name.is_empty() {
        return Err("is empty");
    }
    let separator = |b: &u8| *b == b'/' || (windows && *b == b'\\');
    let drive = windows && name.len() >= 2 && name[0].is_ascii_alphabetic() && name[1] == b':';
    if separator(&name[0]) || drive {
        return Err("is an absolute path, outside the list's folder");
    }
    let mut out = Vec::with_capacity(name.len());
    for part in name.split(separator) {
        match part {
            b"" | b"." => {}
            b".." => return Err("uses \"..\" to step outside its folder"),
            _ => {
                if !out.is_empty() {
                    out.push(b'/');
                }
                out.extend_from_slice(part);
            }
        }
    }
    if out.is_empty() {
        return Err("is a folder, not a file");
    }
    Ok(out)
}

fn display_name(name: &[u8]) -> String {
    escape_controls(&String::from_utf8_lossy(name))
}

fn escape_controls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// At most `SHOWN_CHARS` characters of `bytes`, for a message; looks at a
/// bounded prefix only, so a 10 MB line costs no more than a short one.
fn shown(bytes: &[u8]) -> String {
    let prefix = &bytes[..bytes.len().min(SHOWN_CHARS * 4)];
    let text = String::from_utf8_lossy(prefix);
    let mut out: String = escape_controls(&text.chars().take(SHOWN_CHARS).collect::<String>());
    if text.chars().nth(SHOWN_CHARS).is_some() || prefix.len() < bytes.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use proptest::prelude::*;
    use std::time::{Duration, Instant};

    /// SHA-256 of the empty string.
    const E256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn hex_of(len: usize, c: char) -> String {
        c.to_string().repeat(len)
    }

    fn ok(text: &[u8], list: &str) -> ChecksumList {
        match parse(text, list, None) {
            Ok(list) => list,
            Err(e) => panic!("{}: {} ({})", String::from_utf8_lossy(text), e, e.hint),
        }
    }

    fn err(text: &[u8], list: &str, algorithm: Option<Algorithm>) -> Error {
        let e = parse(text, list, algorithm).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput, "{e:?}");
        e
    }

    fn only(list: &ChecksumList) -> &ListedFile {
        assert_eq!(list.entries.len(), 1, "{list:?}");
        &list.entries[0]
    }

    #[test]
    fn gnu_text_binary_and_single_space_lines() {
        let text = format!("{E256}  text.exe\n{E256} *binary.exe\n{E256} single.exe\n");
        let list = ok(text.as_bytes(), "SHA256SUMS");
        let names: Vec<&[u8]> = list.entries.iter().map(|e| e.name.as_slice()).collect();
        assert_eq!(names, [&b"text.exe"[..], b"binary.exe", b"single.exe"]);
        for (i, e) in list.entries.iter().enumerate() {
            assert_eq!(e.algorithm, Algorithm::Sha256);
            assert_eq!(e.digest, E256);
            assert_eq!(e.line, i + 1);
        }
        // Whitespace after the marker belongs to the name, as in coreutils.
        let list = ok(
            format!("{E256}   lead and trail \n").as_bytes(),
            "SHA256SUMS",
        );
        assert_eq!(only(&list).name, b" lead and trail ");
        let list = ok(format!("{E256} **star\n").as_bytes(), "SHA256SUMS");
        assert_eq!(only(&list).name, b"*star");
        // Leading blanks before the digest are skipped, a tab separates.
        let list = ok(format!("  \t{E256}\t a\n").as_bytes(), "SHA256SUMS");
        assert_eq!(only(&list).name, b"a");
    }

    #[test]
    fn escaped_gnu_names() {
        let text = format!("\\{E256}  a\\\\b\\nc\\rd\n");
        let e = only(&ok(text.as_bytes(), "SHA256SUMS")).clone();
        assert_eq!(e.name, b"a\\b\nc\rd");
        assert_eq!(e.display(), "a\\b\\nc\\rd");
        // Binary marker with an escaped name.
        let list = ok(format!("\\{E256} *x\\\\y\n").as_bytes(), "SHA256SUMS");
        assert_eq!(only(&list).name, b"x\\y");
        // Without the leading backslash, a backslash is just a byte.
        let list = ok(format!("{E256}  a\\nb\n").as_bytes(), "SHA256SUMS");
        assert_eq!(only(&list).name, b"a\\nb");
    }

    #[test]
    fn bad_escapes_are_refused() {
        for name in ["a\\tb", "a\\", "a\\x41", "\\ "] {
            let text = format!("# c\n\\{E256}  {name}\n");
            let e = err(text.as_bytes(), "SHA256SUMS", None);
            assert!(e.message.starts_with("Line 2 of \"SHA256SUMS\""), "{e:?}");
            assert!(e.message.contains("backslash"), "{e:?}");
        }
    }

    #[test]
    fn bsd_tags_for_every_algorithm() {
        let mut text = String::new();
        for (tag, algorithm) in [
            ("SHA256", Algorithm::Sha256),
            ("SHA512", Algorithm::Sha512),
            ("BLAKE3", Algorithm::Blake3),
            ("SHA1", Algorithm::Sha1),
            ("MD5", Algorithm::Md5),
        ] {
            let digest = hex_of(algorithm.hex_len(), 'A');
            text.push_str(&format!("{tag} (file-{tag}) = {digest}\n"));
        }
        // No hint needed: the tags say it all.
        let list = ok(text.as_bytes(), "checksums.txt");
        assert_eq!(list.entries.len(), 5);
        for (e, algorithm) in list.entries.iter().zip(Algorithm::ALL) {
            assert_eq!(e.algorithm, algorithm);
            assert_eq!(e.digest, hex_of(algorithm.hex_len(), 'a'));
            assert_eq!(
                e.name,
                format!("file-{}", algorithm.name().to_uppercase()).into_bytes()
            );
        }
    }

    #[test]
    fn bsd_names_escapes_parentheses_and_openssl_form() {
        let list = ok(format!("\\SHA256 (a\\\\b\\nc) = {E256}\n").as_bytes(), "x");
        assert_eq!(only(&list).name, b"a\\b\nc");
        // The name ends at the last ")": names may hold ")" and " = ".
        let list = ok(format!("SHA256 (x) = (y)) = {E256}\n").as_bytes(), "x");
        assert_eq!(only(&list).name, b"x) = (y)");
        // OpenSSL: no space before "(", none before "=".
        let list = ok(format!("SHA256(setup.exe)= {E256}\n").as_bytes(), "x");
        assert_eq!(only(&list).name, b"setup.exe");
        // Trailing blanks after a tagged digest are harmless.
        let list = ok(format!("sha256 (a) = {E256}  \t\n").as_bytes(), "x");
        assert_eq!(only(&list).digest, E256);
    }

    #[test]
    fn bsd_tag_with_wrong_length_or_unknown_algorithm_is_refused() {
        let e = err(format!("SHA512 (a) = {E256}\n").as_bytes(), "x", None);
        assert!(e.message.contains("Line 1"), "{e:?}");
        assert!(
            e.message
                .contains("SHA-512 digest has 128 hex digits, this one has 64"),
            "{e:?}"
        );
        let e = err(b"MD5 (a) = xyz\n", "x", None);
        assert!(e.message.contains("not hexadecimal"), "{e:?}");
        let e = err(
            format!("SHA384 (a) = {}\n", hex_of(96, 'a')).as_bytes(),
            "x",
            None,
        );
        assert!(
            e.message
                .contains("SHA384 is not an algorithm Shipshape checks"),
            "{e:?}"
        );
        let e = err(
            format!("BLAKE2b (a) = {}\n", hex_of(128, 'a')).as_bytes(),
            "x",
            None,
        );
        assert!(e.message.contains("BLAKE2b is not"), "{e:?}");
        let e = err(format!("SHA256 (a = {E256}\n").as_bytes(), "x", None);
        assert!(e.message.contains("closing parenthesis"), "{e:?}");
        let e = err(format!("SHA256 (a) {E256}\n").as_bytes(), "x", None);
        assert!(e.message.contains("\"=\""), "{e:?}");
    }

    #[test]
    fn algorithm_from_list_names() {
        use Algorithm::*;
        let cases: &[(&str, Option<Algorithm>)] = &[
            ("SHA256SUMS", Some(Sha256)),
            ("sha256sums.txt", Some(Sha256)),
            ("SHA256SUMS.asc", Some(Sha256)),
            ("setup-1.2.exe.sha256", Some(Sha256)),
            ("app.sha256sum", Some(Sha256)),
            ("checksums_sha256.txt", Some(Sha256)),
            ("B3SUMS", Some(Blake3)),
            ("setup.exe.b3", Some(Blake3)),
            ("setup.exe.blake3", Some(Blake3)),
            ("BLAKE3SUMS", Some(Blake3)),
            ("SHA512SUMS", Some(Sha512)),
            ("x.sha512", Some(Sha512)),
            ("SHA1SUMS", Some(Sha1)),
            ("MD5SUMS", Some(Md5)),
            ("x.md5", Some(Md5)),
            ("/home/ann/Downloads/B3SUMS", Some(Blake3)),
            ("C:\\Users\\ann\\SHA256SUMS", Some(Sha256)),
            // A folder's name says nothing about the file.
            ("sha512/checksums.txt", None),
            ("checksums.txt", None),
            ("CHECKSUMS", None),
            ("", None),
            // Two different algorithms: no answer rather than a guess.
            ("sha256-and-b3sums.txt", None),
            // Part of a word is not a word.
            ("mysha256sums", None),
            ("sha2-256sums", None),
        ];
        for (name, want) in cases {
            assert_eq!(algorithm_from_list_name(name), *want, "{name}");
        }
    }

    #[test]
    fn sixty_four_digits_without_a_hint_are_refused_not_guessed() {
        let text = format!("{}  a\n{E256}  b\n", hex_of(40, '1'));
        let e = err(text.as_bytes(), "checksums.txt", None);
        assert!(e.message.contains("SHA-256 or BLAKE3?"), "{e:?}");
        assert!(e.message.contains("Line 2 of \"checksums.txt\""), "{e:?}");
        assert!(
            e.hint.contains("SHA256SUMS") && e.hint.contains("B3SUMS"),
            "{e:?}"
        );
        assert!(e.hint.contains("--algo sha256|blake3"), "{e:?}");
        // A list name that names another algorithm does not settle it.
        let e = err(text.as_bytes(), "SHA512SUMS", None);
        assert!(e.message.contains("SHA-256 or BLAKE3?"), "{e:?}");
    }

    #[test]
    fn list_name_or_choice_settles_sixty_four_digits() {
        let text = format!("{E256}  a\n");
        let by =
            |list: &str, chosen| only(&parse(text.as_bytes(), list, chosen).unwrap()).algorithm;
        assert_eq!(by("SHA256SUMS", None), Algorithm::Sha256);
        assert_eq!(by("B3SUMS", None), Algorithm::Blake3);
        assert_eq!(by("x.blake3", None), Algorithm::Blake3);
        assert_eq!(
            by("checksums.txt", Some(Algorithm::Sha256)),
            Algorithm::Sha256
        );
        assert_eq!(
            by("checksums.txt", Some(Algorithm::Blake3)),
            Algorithm::Blake3
        );
        // The user's explicit choice wins over the list's name.
        assert_eq!(by("SHA256SUMS", Some(Algorithm::Blake3)), Algorithm::Blake3);
    }

    #[test]
    fn an_explicit_choice_that_does_not_fit_is_an_error() {
        let e = err(
            format!("{E256}  a\n").as_bytes(),
            "x",
            Some(Algorithm::Sha512),
        );
        assert!(
            e.message
                .contains("64-digit digest, but SHA-512 digests have 128"),
            "{e:?}"
        );
        let e = err(
            format!("SHA256 (a) = {E256}\n").as_bytes(),
            "x",
            Some(Algorithm::Blake3),
        );
        assert!(
            e.message
                .contains("is a SHA-256 checksum, but BLAKE3 was chosen"),
            "{e:?}"
        );
        // A tag that agrees with the choice is fine.
        let list = parse(
            format!("SHA256 (a) = {E256}\n").as_bytes(),
            "x",
            Some(Algorithm::Sha256),
        );
        assert_eq!(only(&list.unwrap()).algorithm, Algorithm::Sha256);
    }

    #[test]
    fn mixed_lengths_each_by_their_own() {
        let text = format!(
            "{}  a\n{}  a\n{}  a\n{}  a\nSHA256 (b) = {E256}\n",
            hex_of(32, '1'),
            hex_of(40, '2'),
            hex_of(128, '3'),
            hex_of(64, '4'),
        );
        let list = ok(text.as_bytes(), "B3SUMS");
        let got: Vec<(Algorithm, &[u8])> = list
            .entries
            .iter()
            .map(|e| (e.algorithm, e.name.as_slice()))
            .collect();
        assert_eq!(
            got,
            [
                (Algorithm::Md5, &b"a"[..]),
                (Algorithm::Sha1, b"a"),
                (Algorithm::Sha512, b"a"),
                (Algorithm::Blake3, b"a"),
                (Algorithm::Sha256, b"b"),
            ]
        );
        // One file under several algorithms: find prefers a strong one.
        assert_eq!(list.find(b"a").unwrap().algorithm, Algorithm::Sha512);
        let weak = ok(
            format!("{}  w\n{}  w\n", hex_of(32, '1'), hex_of(40, '2')).as_bytes(),
            "x",
        );
        assert_eq!(weak.find(b"w").unwrap().algorithm, Algorithm::Md5);
    }

    #[test]
    fn tolerates_bom_crlf_blank_lines_comments_and_upper_case() {
        let upper = E256.to_ascii_uppercase();
        let text = format!(
            "\u{feff}# SHA256 checksums\r\n\r\n   \r\n\t\r\n{upper}  a.exe\r\n  # indented comment\r\n\r\nSHA256 (b.exe) = {upper}\r\n"
        );
        let list = ok(text.as_bytes(), "SHA256SUMS");
        assert_eq!(list.entries.len(), 2);
        assert_eq!(list.entries[0].name, b"a.exe");
        assert_eq!(list.entries[0].line, 5);
        assert_eq!(list.entries[1].name, b"b.exe");
        assert_eq!(list.entries[1].line, 8);
        assert!(list.entries.iter().all(|e| e.digest == E256));
        // No final newline, old Mac "\r" only at the very end.
        let list = ok(format!("{E256}  a.exe").as_bytes(), "SHA256SUMS");
        assert_eq!(only(&list).name, b"a.exe");
        let list = ok(format!("{E256}  a.exe\r").as_bytes(), "SHA256SUMS");
        assert_eq!(only(&list).name, b"a.exe");
    }

    #[test]
    fn names_that_leave_the_folder_are_refused() {
        for (name, why) in [
            ("../x", "\"..\""),
            ("a/../../x", "\"..\""),
            ("a/../b", "\"..\""),
            ("./..", "\"..\""),
            ("/etc/passwd", "absolute"),
            ("//server/x", "absolute"),
            (".", "folder"),
            ("./", "folder"),
        ] {
            let text = format!("# list\n{E256}  ok\n{E256}  {name}\n");
            let e = err(text.as_bytes(), "SHA256SUMS", None);
            assert!(
                e.message.starts_with("Line 3 of \"SHA256SUMS\""),
                "{name}: {e:?}"
            );
            assert!(e.message.contains(why), "{name}: {e:?}");
            assert!(e.message.contains(name), "{name}: {e:?}");
            let text = format!("SHA256 ({name}) = {E256}\n");
            let e = err(text.as_bytes(), "SHA256SUMS", None);
            assert!(e.message.starts_with("Line 1 "), "{name}: {e:?}");
        }
        let e = err(format!("SHA256 () = {E256}\n").as_bytes(), "x", None);
        assert!(e.message.contains("is empty"), "{e:?}");
        let e = err(format!("{E256}  \n").as_bytes(), "SHA256SUMS", None);
        assert!(e.message.contains("no file name"), "{e:?}");
        for line in [E256.to_string(), format!("{E256} *"), format!("{E256}\t")] {
            let e = err(format!("{line}\n").as_bytes(), "SHA256SUMS", None);
            assert!(e.message.contains("no file name"), "{e:?}");
        }
        // An escaped "..": refused after unescaping too.
        let e = err(
            format!("\\{E256}  a\\\\/../../x\n").as_bytes(),
            "SHA256SUMS",
            None,
        );
        assert!(e.message.contains("\"..\""), "{e:?}");
    }

    #[test]
    fn dot_slash_and_doubled_slashes_are_normalised() {
        let text = format!("{E256}  ./a\n{E256}  .//sub//./b\n{E256}  c/\n");
        let list = ok(text.as_bytes(), "SHA256SUMS");
        let names: Vec<&[u8]> = list.entries.iter().map(|e| e.name.as_slice()).collect();
        assert_eq!(names, [&b"a"[..], b"sub/b", b"c"]);
        assert!(list.find(b"./a").is_some());
        assert!(list.find(b"a").is_some());
        assert!(list.find(b"sub/b").is_some());
        assert!(list.find(b"./sub/./b").is_some());
    }

    #[test]
    fn windows_rules_refuse_backslash_climbing_and_drives() {
        for name in [
            &b"..\\x"[..],
            b"a\\..\\..\\x",
            b"C:\\x",
            b"c:x",
            b"\\\\server\\share\\x",
            b"\\x",
        ] {
            assert!(
                normalise_name(name, true).is_err(),
                "{}",
                String::from_utf8_lossy(name)
            );
        }
        assert_eq!(
            normalise_name(b".\\sub\\a.exe", true).unwrap(),
            b"sub/a.exe"
        );
        // On Linux the same bytes are ordinary names.
        assert_eq!(normalise_name(b"..\\x", false).unwrap(), b"..\\x");
        assert_eq!(normalise_name(b"C:x", false).unwrap(), b"C:x");
    }

    #[test]
    fn find_matches_the_whole_relative_path_only() {
        let text = format!("{E256}  x64/setup.exe\n{E256}  caf\u{e9}.exe\n");
        let list = ok(text.as_bytes(), "SHA256SUMS");
        assert_eq!(list.find(b"x64/setup.exe").unwrap().line, 1);
        assert!(list.find(b"setup.exe").is_none());
        assert!(list.find(b"X64/setup.exe").is_none());
        assert!(list.find(b"../x64/setup.exe").is_none());
        assert!(list.find(b"").is_none());
        assert_eq!(list.find("café.exe".as_bytes()).unwrap().line, 2);
    }

    #[test]
    fn malformed_lines_name_the_line_and_show_it_shortened() {
        let cases: &[(&str, &str)] = &[
            ("hello world", "not hexadecimal"),
            ("zz  a", "not hexadecimal"),
            ("abc  a", "3 hex digits is not the length"),
            ("-----BEGIN PGP SIGNED MESSAGE-----", "not hexadecimal"),
            ("(a) = b", "not hexadecimal"),
        ];
        for (line, why) in cases {
            let text = format!("{E256}  ok\n\n{line}\n");
            let e = err(text.as_bytes(), "SHA256SUMS", None);
            assert!(e.message.starts_with("Line 3 of \"SHA256SUMS\""), "{e:?}");
            assert!(e.message.contains(why), "{line}: {e:?}");
            assert!(e.message.contains(line), "{line}: {e:?}");
        }
        let long = format!("{}not a checksum", "x".repeat(500));
        let e = err(long.as_bytes(), "SHA256SUMS", None);
        assert!(
            e.message.contains(&format!("\"{}…\"", "x".repeat(80))),
            "{e:?}"
        );
        assert!(e.message.len() < 300, "{}", e.message.len());
        // Control characters in a shown line are escaped, not printed.
        let e = err(b"\x1b[31mred\x07", "x", None);
        assert!(e.message.contains("\\u{1b}[31mred\\u{7}"), "{e:?}");
    }

    #[test]
    fn ten_megabyte_lines_cost_little() {
        const BIG: usize = 10 * 1024 * 1024;
        let start = Instant::now();

        let mut garbage = b"# first\n".to_vec();
        garbage.extend(std::iter::repeat_n(b'x', BIG));
        let e = err(&garbage, "SHA256SUMS", None);
        assert!(e.message.starts_with("Line 2 "), "{}", &e.message[..60]);
        assert!(e.message.len() < 400, "{}", e.message.len());

        let hex = hex_of(BIG, 'a');
        let e = err(hex.as_bytes(), "SHA256SUMS", None);
        assert!(
            e.message.contains("10485760 hex digits"),
            "{}",
            e.message.len()
        );
        assert!(e.message.len() < 400);

        let mut unclosed = b"SHA256 (".to_vec();
        unclosed.extend(std::iter::repeat_n(b'(', BIG));
        assert!(err(&unclosed, "x", None).message.len() < 400);

        let mut parens = b"SHA256 (".to_vec();
        parens.extend(std::iter::repeat_n(b')', BIG));
        assert!(err(&parens, "x", None).message.len() < 400);

        // A valid line with a huge (escaped) name is read whole.
        let mut huge = format!("\\{E256}  ").into_bytes();
        huge.extend(std::iter::repeat_n(b'\\', 2 * BIG));
        let list = ok(&huge, "SHA256SUMS");
        assert_eq!(only(&list).name.len(), BIG);

        // Conflicting duplicates with huge names: the message stays short.
        let mut twice = Vec::new();
        for digest in [E256, &hex_of(64, '0')] {
            twice.extend(format!("{digest}  ").bytes());
            twice.extend(std::iter::repeat_n(b'n', BIG));
            twice.push(b'\n');
        }
        let e = err(&twice, "SHA256SUMS", None);
        assert!(
            e.message.contains("line 1 and line 2"),
            "{}",
            &e.message[..60]
        );
        assert!(e.message.len() < 400);

        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn duplicates_are_merged_or_refused() {
        let other = hex_of(64, '0');
        // Same file, same digest (even spelled differently): one entry.
        let text = format!(
            "{E256}  a\n{E256}  b\n{}  ./a\nSHA256 (a) = {E256}\n",
            E256.to_uppercase()
        );
        let list = ok(text.as_bytes(), "SHA256SUMS");
        assert_eq!(list.entries.len(), 2);
        assert_eq!(list.entries[0].line, 1);
        // Same file, different digest: refused, naming both lines.
        let text = format!("{E256}  a\n{E256}  b\n# x\n{other}  ./a\n");
        let e = err(text.as_bytes(), "SHA256SUMS", None);
        assert!(e.message.contains("\"a\""), "{e:?}");
        assert!(e.message.contains("line 1 and line 4"), "{e:?}");
        assert!(e.message.contains("SHA-256"), "{e:?}");
        // Same name, different algorithms: two facts, both kept.
        let text = format!("{E256}  a\n{}  a\n", hex_of(128, '0'));
        assert_eq!(ok(text.as_bytes(), "SHA256SUMS").entries.len(), 2);
    }

    #[test]
    fn non_utf8_names_are_kept_as_bytes() {
        let mut text = format!("{E256}  ").into_bytes();
        text.extend_from_slice(b"caf\xe9.exe\n");
        let list = ok(&text, "SHA256SUMS");
        let e = only(&list);
        assert_eq!(e.name, b"caf\xe9.exe");
        assert_eq!(e.display(), "caf\u{fffd}.exe");
        assert!(list.find(b"caf\xe9.exe").is_some());
        assert!(list.find("café.exe".as_bytes()).is_none());
    }

    #[test]
    fn size_limit_binary_data_and_empty_lists() {
        let big = vec![b'#'; MAX_LIST_BYTES + 1];
        let e = err(&big, "SHA256SUMS", None);
        assert!(e.message.contains("at most 64 MiB"), "{e:?}");
        let e = err(b"MZ\x90\x00\x03\x00\x00\x00", "setup.exe", None);
        assert!(e.message.contains("binary data"), "{e:?}");
        for empty in [&b""[..], b"\n\n", b"# only a comment\n", b"\xef\xbb\xbf"] {
            let e = err(empty, "SHA256SUMS", None);
            assert!(e.message.contains("contains no checksums"), "{e:?}");
        }
    }

    #[test]
    fn format_line_writes_what_coreutils_writes() {
        assert_eq!(
            format_line(Algorithm::Sha256, E256, b"a.exe"),
            format!("{E256}  a.exe\n").into_bytes()
        );
        assert_eq!(
            format_line(Algorithm::Sha256, &E256.to_uppercase(), b"a\\b\nc\rd"),
            format!("\\{E256}  a\\\\b\\nc\\rd\n").into_bytes()
        );
        let mut latin1 = format!("{E256}  ").into_bytes();
        latin1.extend_from_slice(b"caf\xe9\n");
        assert_eq!(format_line(Algorithm::Sha256, E256, b"caf\xe9"), latin1);
    }

    // ----- Interoperability with the real tools -----

    #[cfg(unix)]
    mod tools {
        use super::*;
        use sha2::Digest as _;
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        use std::path::Path;
        use std::process::Command;

        /// Names that need care: escapes, a carriage return, Latin-1, a
        /// leading space, ")" for BSD lines, a subfolder.
        pub(super) const NAMES: &[&[u8]] = &[
            b"plain.exe",
            b"back\\slash.exe",
            b"new\nline.exe",
            b"car\rriage.exe",
            b"caf\xe9.exe",
            b" leading space.exe",
            b"paren) = x.exe",
            b"sub/inner.msi",
        ];

        pub(super) fn content(name: &[u8]) -> Vec<u8> {
            let mut c = b"contents of ".to_vec();
            c.extend_from_slice(name);
            c
        }

        pub(super) fn make_files(dir: &Path, names: &[&[u8]]) {
            std::fs::create_dir_all(dir.join("sub")).unwrap();
            for name in names {
                std::fs::write(dir.join(OsStr::from_bytes(name)), content(name)).unwrap();
            }
        }

        pub(super) fn run(dir: &Path, program: &str, args: &[&[u8]]) -> std::process::Output {
            Command::new(program)
                .current_dir(dir)
                .args(args.iter().map(|a| OsStr::from_bytes(a)))
                .output()
                .unwrap_or_else(|e| panic!("could not run {program}: {e}"))
        }

        pub(super) fn stdout(dir: &Path, program: &str, args: &[&[u8]]) -> Vec<u8> {
            let out = run(dir, program, args);
            assert!(
                out.status.success(),
                "{program} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        }

        fn sha(algorithm: Algorithm, data: &[u8]) -> String {
            match algorithm {
                Algorithm::Sha256 => hex::encode(sha2::Sha256::digest(data)),
                Algorithm::Sha512 => hex::encode(sha2::Sha512::digest(data)),
                other => panic!("no reference for {other:?}"),
            }
        }

        #[test]
        fn lists_written_by_sha256sum_and_sha512sum_parse() {
            let dir = tempfile::tempdir().unwrap();
            make_files(dir.path(), NAMES);
            for (program, list_name, algorithm) in [
                ("sha256sum", "SHA256SUMS", Algorithm::Sha256),
                ("sha512sum", "SHA512SUMS", Algorithm::Sha512),
            ] {
                for mode in [&[][..], &[&b"--binary"[..]], &[&b"--tag"[..]]] {
                    let mut args: Vec<&[u8]> = mode.to_vec();
                    args.extend_from_slice(NAMES);
                    // "./" as people type it on the command line.
                    args.push(b"./sub/../plain.exe");
                    let out = stdout(dir.path(), program, &args);
                    let err = parse(&out, list_name, None).unwrap_err();
                    assert!(err.message.contains("\"..\""), "{err:?}");
                    args.pop();
                    let out = stdout(dir.path(), program, &args);
                    let list = parse(&out, list_name, None)
                        .unwrap_or_else(|e| panic!("{program} {mode:?}: {e:?}"));
                    assert_eq!(list.entries.len(), NAMES.len(), "{program} {mode:?}");
                    for name in NAMES {
                        let e = list.find(name).unwrap_or_else(|| {
                            panic!("{program} {mode:?}: {}", String::from_utf8_lossy(name))
                        });
                        assert_eq!(e.algorithm, algorithm);
                        assert_eq!(e.digest, sha(algorithm, &content(name)));
                    }
                }
            }
        }

        #[test]
        fn lists_written_by_md5sum_and_sha1sum_parse() {
            let dir = tempfile::tempdir().unwrap();
            make_files(dir.path(), NAMES);
            for (program, algorithm) in [("md5sum", Algorithm::Md5), ("sha1sum", Algorithm::Sha1)] {
                let plain =
                    parse(&stdout(dir.path(), program, NAMES), "checksums.txt", None).unwrap();
                let mut args = vec![&b"--tag"[..]];
                args.extend_from_slice(NAMES);
                let tagged =
                    parse(&stdout(dir.path(), program, &args), "checksums.txt", None).unwrap();
                assert_eq!(plain.entries.len(), NAMES.len());
                assert_eq!(plain, tagged, "{program}");
                assert!(plain.entries.iter().all(|e| e.algorithm == algorithm));
            }
        }

        #[test]
        fn sha256sum_and_sha512sum_check_what_format_line_writes() {
            let dir = tempfile::tempdir().unwrap();
            make_files(dir.path(), NAMES);
            for (program, algorithm) in [
                ("sha256sum", Algorithm::Sha256),
                ("sha512sum", Algorithm::Sha512),
            ] {
                let mut list = Vec::new();
                for name in NAMES {
                    list.extend(format_line(
                        algorithm,
                        &sha(algorithm, &content(name)),
                        name,
                    ));
                }
                std::fs::write(dir.path().join("LIST"), &list).unwrap();
                let out = stdout(dir.path(), program, &[b"--check", b"--strict", b"LIST"]);
                let oks = out
                    .split(|b| *b == b'\n')
                    .filter(|l| l.ends_with(b": OK"))
                    .count();
                assert_eq!(oks, NAMES.len(), "{}", String::from_utf8_lossy(&out));
                // And the tool does check: one wrong digest fails it.
                let mut bad =
                    format_line(algorithm, &hex_of(algorithm.hex_len(), '0'), b"plain.exe");
                bad.extend(list);
                std::fs::write(dir.path().join("BAD"), bad).unwrap();
                assert!(
                    !run(dir.path(), program, &[b"--check", b"BAD"])
                        .status
                        .success()
                );
            }
        }

        fn b3sum_installed() {
            let found = Command::new("b3sum").arg("--version").output().is_ok();
            assert!(
                found,
                "b3sum is not installed; the interop tests need it (Debian: apt-get install b3sum)"
            );
        }

        #[test]
        fn lists_written_by_b3sum_parse() {
            b3sum_installed();
            let dir = tempfile::tempdir().unwrap();
            make_files(dir.path(), NAMES);
            let out = stdout(dir.path(), "b3sum", NAMES);
            // 64 digits and no hint: refused, then settled by name or choice.
            let e = parse(&out, "checksums.txt", None).unwrap_err();
            assert!(e.message.contains("SHA-256 or BLAKE3?"), "{e:?}");
            let by_choice = parse(&out, "checksums.txt", Some(Algorithm::Blake3)).unwrap();
            let list = parse(&out, "B3SUMS", None).unwrap();
            assert_eq!(list, by_choice);
            assert_eq!(list.entries.len(), NAMES.len());
            for name in NAMES {
                if !name.is_ascii() {
                    // b3sum 1.2 writes non-UTF-8 names lossily (U+FFFD), so
                    // its line names a file that does not exist.
                    continue;
                }
                let e = list
                    .find(name)
                    .unwrap_or_else(|| panic!("{}", String::from_utf8_lossy(name)));
                assert_eq!(e.algorithm, Algorithm::Blake3);
                let alone = stdout(dir.path(), "b3sum", &[b"--no-names", name]);
                assert_eq!(e.digest.as_bytes(), alone.trim_ascii_end());
            }
            // The empty input's BLAKE3, from the BLAKE3 paper's test vectors.
            std::fs::write(dir.path().join("empty"), b"").unwrap();
            let out = stdout(dir.path(), "b3sum", &[b"empty"]);
            assert_eq!(
                only(&parse(&out, "B3SUMS", None).unwrap()).digest,
                "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
            );
        }

        #[test]
        fn b3sum_checks_what_format_line_writes() {
            b3sum_installed();
            let dir = tempfile::tempdir().unwrap();
            // b3sum knows only the \\ and \n escapes, and only UTF-8 names.
            let names: Vec<&[u8]> = NAMES
                .iter()
                .copied()
                .filter(|n| !n.contains(&b'\r') && std::str::from_utf8(n).is_ok())
                .collect();
            make_files(dir.path(), &names);
            let mut list = Vec::new();
            for name in &names {
                let digest = stdout(dir.path(), "b3sum", &[b"--no-names", name]);
                let digest = std::str::from_utf8(digest.trim_ascii_end()).unwrap();
                list.extend(format_line(Algorithm::Blake3, digest, name));
            }
            std::fs::write(dir.path().join("B3SUMS"), &list).unwrap();
            let out = stdout(dir.path(), "b3sum", &[b"--check", b"B3SUMS"]);
            let oks = out
                .split(|b| *b == b'\n')
                .filter(|l| l.ends_with(b": OK"))
                .count();
            assert_eq!(oks, names.len(), "{}", String::from_utf8_lossy(&out));
            let parsed = parse(&list, "B3SUMS", None).unwrap();
            assert_eq!(parsed.entries.len(), names.len());
        }
    }

    // ----- Properties -----

    fn algorithm() -> impl Strategy<Value = Algorithm> {
        prop::sample::select(Algorithm::ALL.to_vec())
    }

    /// A digest for `algorithm` in mixed case.
    fn digest(algorithm: Algorithm) -> impl Strategy<Value = String> {
        prop::collection::vec((0u8..16, any::<bool>()), algorithm.hex_len()).prop_map(|digits| {
            digits
                .into_iter()
                .map(|(d, upper)| {
                    let c = char::from_digit(u32::from(d), 16).unwrap_or('0');
                    if upper { c.to_ascii_uppercase() } else { c }
                })
                .collect()
        })
    }

    /// A normalised relative name of arbitrary bytes: no NUL, no empty,
    /// "." or ".." parts.
    fn name() -> impl Strategy<Value = Vec<u8>> {
        let part = prop::collection::vec(
            any::<u8>().prop_filter("no NUL or /", |b| *b != 0 && *b != b'/'),
            1..10,
        )
        .prop_filter("no . or ..", |p| p != b"." && p != b"..");
        prop::collection::vec(part, 1..4).prop_map(|parts| parts.join(&b'/'))
    }

    fn entry() -> impl Strategy<Value = (Algorithm, String, Vec<u8>)> {
        algorithm().prop_flat_map(|a| (Just(a), digest(a), name()))
    }

    /// A BSD tagged line, escaped as coreutils escapes it.
    fn tagged_line(algorithm: Algorithm, digest: &str, name: &[u8]) -> Vec<u8> {
        let plain = format_line(algorithm, digest, name);
        let escaped = plain[0] == b'\\';
        let start = usize::from(escaped) + digest.len() + 2;
        let mut out = Vec::new();
        if escaped {
            out.push(b'\\');
        }
        out.extend(algorithm.name().to_uppercase().bytes());
        out.extend(b" (");
        out.extend(&plain[start..plain.len() - 1]);
        out.extend(b") = ");
        out.extend(digest.bytes());
        out.push(b'\n');
        out
    }

    proptest! {
        #[test]
        fn format_line_round_trips((a, digest, name) in entry()) {
            let line = format_line(a, &digest, &name);
            let want = ListedFile { name: name.clone(), algorithm: a, digest: digest.to_ascii_lowercase(), line: 1 };
            let list = parse(&line, "list", Some(a)).unwrap();
            prop_assert_eq!(&list.entries, &vec![want.clone()]);
            // The list's name is enough to tell the algorithm.
            let list_name = format!("{}SUMS", a.name().to_uppercase());
            let list = parse(&line, &list_name, None).unwrap();
            prop_assert_eq!(list.find(&name), Some(&want));
            let tagged = parse(&tagged_line(a, &digest, &name), "list", None).unwrap();
            prop_assert_eq!(&tagged.entries, &vec![want]);
        }

        #[test]
        fn whole_lists_round_trip(
            entries in prop::collection::vec(entry(), 1..12),
            crlf in any::<bool>(),
            bom in any::<bool>(),
            tags in prop::collection::vec(any::<bool>(), 12),
        ) {
            let mut text = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
            let mut want: Vec<(Vec<u8>, Algorithm, String)> = Vec::new();
            for (i, (a, digest, name)) in entries.iter().enumerate() {
                if want.iter().any(|(n, wa, _)| n == name && wa == a) {
                    continue;
                }
                text.extend(b"# comment\n");
                // The list's name says SHA-256: BLAKE3 lines need their tag.
                let mut line = if tags[i] || *a == Algorithm::Blake3 { tagged_line(*a, digest, name) } else { format_line(*a, digest, name) };
                if crlf {
                    line.insert(line.len() - 1, b'\r');
                }
                text.extend(line);
                want.push((name.clone(), *a, digest.to_ascii_lowercase()));
            }
            let list = parse(&text, "SHA256SUMS", None).unwrap();
            let got: Vec<(Vec<u8>, Algorithm, String)> =
                list.entries.into_iter().map(|e| (e.name, e.algorithm, e.digest)).collect();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
            check_invariants(&bytes);
        }

        #[test]
        fn near_miss_lines_never_panic(
            pieces in prop::collection::vec(
                prop::sample::select(vec![
                    "\\", "(", ")", " ", "  ", "*", "=", "\t", "SHA256", "BLAKE3", "MD5", "..", "/", ".", "\r", "\n",
                    "#", "a", "\u{e9}", E256, "0123456789abcdef0123456789abcdef", "0123456789", "\\n", "\\r", "\\\\",
                ]),
                0..24,
            ),
            chosen in prop::option::of(algorithm()),
        ) {
            let text = pieces.concat();
            check_invariants(text.as_bytes());
            if let Ok(list) = parse(text.as_bytes(), "SHA256SUMS", chosen) {
                prop_assert!(list.entries.iter().all(|e| chosen.is_none_or(|c| c == e.algorithm)));
            }
        }
    }

    fn check_invariants(bytes: &[u8]) {
        for list_name in ["SHA256SUMS", "checksums.txt"] {
            match parse(bytes, list_name, None) {
                Ok(list) => {
                    assert!(!list.entries.is_empty());
                    for e in &list.entries {
                        assert_eq!(normalise_name(&e.name, false).unwrap(), e.name);
                        assert_eq!(e.digest.len(), e.algorithm.hex_len());
                        assert!(
                            e.digest
                                .bytes()
                                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                        );
                        assert!(list.find(&e.name).is_some());
                    }
                }
                Err(e) => {
                    assert_eq!(e.code, ErrorCode::InvalidInput);
                    assert!(e.message.len() < 1000, "{}", e.message);
                }
            }
        }
    }
}
