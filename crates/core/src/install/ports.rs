//! The network ports this computer listens on, read before and after an
//! installation, so the record says which ones the new software opened.

use std::collections::BTreeSet;

/// One listening socket: "tcp 127.0.0.1:8080", and the program holding
/// it where `ss` can tell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Listener {
    pub socket: String,
    pub program: Option<String>,
}

/// Reads `ss -ltunpH`: protocol, state, queues, local address, peer, and
/// the `users:(("name",pid=…))` of the programs holding it.
pub fn parse(text: &str) -> BTreeSet<Listener> {
    text.lines()
        .filter_map(|l| {
            let fields: Vec<&str> = l.split_whitespace().collect();
            let (proto, local) = (fields.first()?, fields.get(4)?);
            let program = l
                .split_once("users:((\"")
                .and_then(|(_, rest)| rest.split_once('"'))
                .map(|(name, _)| name.to_string());
            Some(Listener {
                socket: format!("{proto} {local}"),
                program,
            })
        })
        .collect()
}

/// What listens now; `None` when `ss` cannot be run (then nothing is
/// compared).
pub fn listening() -> Option<BTreeSet<Listener>> {
    let out = std::process::Command::new("ss")
        .arg("-ltunpH")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| parse(&String::from_utf8_lossy(&out.stdout)))
}

/// The sockets listening in `after` that were not in `before`, in words:
/// "tcp 127.0.0.1:8080 (python3)".
pub fn opened(before: &BTreeSet<Listener>, after: &BTreeSet<Listener>) -> Vec<String> {
    let was: BTreeSet<&str> = before.iter().map(|l| l.socket.as_str()).collect();
    after
        .iter()
        .filter(|l| !was.contains(l.socket.as_str()))
        .map(|l| match &l.program {
            Some(p) => format!("{} ({p})", l.socket),
            None => l.socket.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_listening_sockets_are_named_with_their_programs() {
        let before = parse(
            "tcp   LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:((\"sshd\",pid=700,fd=3))\n\
             udp   UNCONN 0 0   0.0.0.0:68 0.0.0.0:*\n",
        );
        let after = parse(
            "tcp   LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:((\"sshd\",pid=700,fd=3))\n\
             udp   UNCONN 0 0   0.0.0.0:68 0.0.0.0:*\n\
             tcp   LISTEN 0 5   127.0.0.1:8080 0.0.0.0:* users:((\"python3\",pid=912,fd=3))\n\
             tcp   LISTEN 0 5   [::]:9000 [::]:*\n",
        );
        assert_eq!(
            opened(&before, &after),
            ["tcp 127.0.0.1:8080 (python3)", "tcp [::]:9000"]
        );
        assert!(opened(&after, &after).is_empty());
        assert!(parse("garbage\n").is_empty());
    }
}
