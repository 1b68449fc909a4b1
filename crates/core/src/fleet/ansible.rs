//! For the office that outgrows Shipshape's console: a roll-out plan
//! written as an Ansible inventory and playbook that plain
//! `ansible-playbook` runs. The playbook's rings are the roll-out's
//! (`serial`, pilot first), its halt rule the plan's
//! (`max_fail_percentage`), and each computer runs the very command the
//! console sends (`ansible.builtin.raw`, so the key's forced `shipshape
//! fleet serve` still decides what runs there). Host keys stay pinned:
//! the export carries the fleet's known_hosts lines for its computers and
//! the inventory makes ssh check them strictly.

use super::computers::{self, Computer};
use super::rollout::{Rollout, RolloutPlan};
use crate::ssh;
use crate::{Error, Result};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use std::path::Path;
use ts_rs::TS;

pub const INVENTORY: &str = "inventory.ini";
pub const PLAYBOOK: &str = "playbook.yml";
pub const KNOWN_HOSTS: &str = "known_hosts";

/// What was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, rename = "AnsibleExport")]
pub struct Export {
    pub folder: String,
    pub files: Vec<String>,
    pub computers: usize,
    /// The rings' sizes, as `serial` says them.
    pub serial: Vec<usize>,
    /// How to run it.
    pub run: String,
}

/// Writes the inventory, the playbook and the known hosts for `plan` over
/// `all` into `folder` (made when missing); refused when the folder
/// already holds one of them, so nothing of the administrator's is lost.
pub fn export(
    all: &[Computer],
    known_hosts: &str,
    plan: RolloutPlan,
    folder: &Path,
    by: &str,
) -> Result<Export> {
    let shown = folder.display().to_string();
    if !folder.is_absolute()
        || shown
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "'\"\\".contains(c))
    {
        return Err(Error::invalid_input(
            format!(
                "Shipshape writes the playbook only to a full path without spaces or quotes, not \u{201c}{shown}\u{201d}."
            ),
            "Choose a folder such as /home/you/office-ansible.",
        ));
    }
    if !plan.change.files().is_empty() {
        return Err(Error::invalid_input(
            "The Ansible playbook carries packages by name and security updates, not a package file.",
            "Copy the file with Ansible's own copy module, or put it in a package source the computers use and roll it out by its name.",
        ));
    }
    if let super::rollout::Change::Plan { gates, .. } = &plan.change
        && !gates.is_empty()
    {
        return Err(Error::invalid_input(
            "The Ansible playbook carries a plan's packages stage by stage, but not its health gates between stages.",
            "Roll the plan out from Shipshape, which checks them; or export a plan without gates.",
        ));
    }
    let r = Rollout::new(plan, all, by, Utc::now())?;
    for name in [INVENTORY, PLAYBOOK, KNOWN_HOSTS] {
        if folder.join(name).symlink_metadata().is_ok() {
            return Err(Error::invalid_input(
                format!("{shown} already holds {name}, so nothing was written."),
                "Choose an empty folder, or move the old files away first.",
            ));
        }
    }
    std::fs::create_dir_all(folder).map_err(|e| Error::io("create", folder, &e))?;
    let mut hosts = Vec::new();
    let mut pinned = Vec::new();
    for part in r.rings.iter().flat_map(|g| &g.parts) {
        let Some(c) = all.iter().find(|c| c.id == part.computer) else {
            continue;
        };
        let peer = c.peer()?;
        hosts.push(format!(
            "{} ansible_host={} ansible_port={} ansible_user={}",
            alias(c),
            peer.host,
            peer.port,
            peer.user
        ));
        let marker = peer.known_as();
        pinned.extend(
            known_hosts
                .lines()
                .filter(|l| l.split_whitespace().next() == Some(marker.as_str()))
                .map(str::to_string),
        );
    }
    let serial: Vec<usize> = r.rings.iter().map(|g| g.parts.len()).collect();
    let known = folder.join(KNOWN_HOSTS);
    let inventory = format!(
        "# Written by Shipshape (shipshape fleet export-ansible): the office's computers,\n\
         # the pilot first, then the waves, in the order the playbook's rings take them.\n\
         [office]\n{}\n\n[office:vars]\n\
         # No terminal: the key's forced command refuses one.\n\
         ansible_ssh_use_tty=false\n\
         # Host keys are the ones confirmed when each computer was enrolled.\n\
         ansible_ssh_common_args='-o UserKnownHostsFile={} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o HostKeyAlgorithms={}'\n",
        hosts.join("\n"),
        known.display(),
        ssh::KEY_TYPE
    );
    let words = r.plan.change.words();
    // One task for each change, stage after stage (a plan's in its order).
    let tasks: String = r
        .plan
        .change
        .stages()
        .into_iter()
        .flatten()
        .map(|c| task(&c.words(), &c.command().join(" ")))
        .collect();
    let playbook = format!(
        "# Written by Shipshape (shipshape fleet export-ansible) for: {words}.\n\
         # The rings of a Shipshape roll-out: {rings}; halted when more than\n\
         # {halt} % of a ring fails. Each computer runs Shipshape's own command,\n\
         # as the console would ask it, and answers in JSON. Unlike the console,\n\
         # Ansible goes on past a computer it cannot reach (counted as failed),\n\
         # stops when a whole ring fails whatever the threshold, and has no soak\n\
         # or approval between rings.\n\
         # Run: ansible-playbook -i {inventory} {playbook_path}\n\
         - name: {play}\n\
         \x20 hosts: office\n\
         \x20 order: inventory\n\
         \x20 gather_facts: false\n\
         \x20 serial: [{serial}]\n\
         \x20 max_fail_percentage: {halt}\n\
         \x20 tasks:\n{tasks}",
        rings = r
            .rings
            .iter()
            .map(|g| format!("{} ({})", g.name, g.parts.len()))
            .collect::<Vec<_>>()
            .join(", "),
        halt = r.plan.halt_percent,
        play = quoted(&format!("Shipshape: {words}")),
        inventory = folder.join(INVENTORY).display(),
        playbook_path = folder.join(PLAYBOOK).display(),
        serial = serial
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    );
    let mut known_text = pinned.join("\n");
    known_text.push('\n');
    for (name, text) in [
        (KNOWN_HOSTS, known_text),
        (INVENTORY, inventory),
        (PLAYBOOK, playbook),
    ] {
        crate::atomic_file::write(&folder.join(name), text.as_bytes())?;
    }
    Ok(Export {
        folder: shown,
        files: [INVENTORY, PLAYBOOK, KNOWN_HOSTS]
            .map(String::from)
            .to_vec(),
        computers: hosts.len(),
        serial,
        run: format!(
            "ansible-playbook -i {} {}",
            folder.join(INVENTORY).display(),
            folder.join(PLAYBOOK).display()
        ),
    })
}

/// The computer's name in the inventory: its words in lower case with
/// dashes, and its number, so two of one name stay apart.
fn alias(c: &Computer) -> String {
    let mut slug: String = c
        .name
        .chars()
        .map(|ch| {
            if ch.is_ascii_alphanumeric() {
                ch.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    slug = slug
        .split('-')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() {
        slug = "computer".into();
    }
    format!("{slug}-{}", c.id)
}

/// The fleet's known_hosts text, for `export`.
pub fn known_hosts_text(data_dir: &Path) -> String {
    std::fs::read_to_string(computers::known_hosts(data_dir)).unwrap_or_default()
}

/// One task of the playbook: Shipshape's `command`, its JSON answer
/// judged as the console judges it.
fn task(words: &str, command: &str) -> String {
    format!(
        "\x20   - name: {}\n\
         \x20     ansible.builtin.raw: {command}\n\
         \x20     register: applied\n\
         \x20     changed_when: applied.rc == 0 and (applied.stdout | from_json).outcome == 'done'\n\
         \x20     failed_when: >-\n\
         \x20       applied.rc != 0 or (applied.stdout | from_json).outcome == 'failed'\n\
         \x20       or ((applied.stdout | from_json).gates | rejectattr('passed') | list | length) > 0\n",
        quoted(words)
    )
}

/// `text` as a YAML double-quoted string (a plan's name may hold quotes).
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::rollout::Change;
    use crate::install::plan::Approval;

    fn computer(id: i64, name: &str, port: u16) -> Computer {
        Computer::for_tests(id, name, &format!("root@127.0.0.1:{port}"))
    }

    fn plan() -> RolloutPlan {
        RolloutPlan {
            change: Change::Package {
                name: "hello".into(),
            },
            pilot: vec![2],
            waves: vec![50, 100],
            soak_minutes: 0,
            approval: Approval::Automatic,
            halt_percent: 25,
        }
    }

    #[test]
    fn writes_the_rings_the_halt_rule_and_the_pinned_keys() {
        let dir = tempfile::tempdir().expect("a folder");
        let folder = dir.path().join("office");
        let all = [
            computer(1, "Reception PC", 2201),
            computer(2, "Boss's laptop", 2202),
            computer(3, "Front desk", 2203),
        ];
        let known = "[127.0.0.1]:2201 ssh-ed25519 AAAA1\n[127.0.0.1]:2202 ssh-ed25519 AAAA2\n[127.0.0.1]:9999 ssh-ed25519 OTHER\n";
        let e = export(&all, known, plan(), &folder, "admin").expect("written");
        assert_eq!(e.serial, vec![1, 1, 1]);
        let inventory = std::fs::read_to_string(folder.join(INVENTORY)).expect("read");
        let order: Vec<&str> = inventory
            .lines()
            .filter(|l| l.contains("ansible_host="))
            .map(|l| l.split(' ').next().unwrap_or(""))
            .collect();
        assert_eq!(order, ["boss-s-laptop-2", "front-desk-3", "reception-pc-1"]);
        let playbook = std::fs::read_to_string(folder.join(PLAYBOOK)).expect("read");
        assert!(playbook.contains("serial: [1, 1, 1]"), "{playbook}");
        assert!(playbook.contains("max_fail_percentage: 25"));
        assert!(
            playbook.contains("ansible.builtin.raw: shipshape fleet apply package hello --json")
        );
        let pinned = std::fs::read_to_string(folder.join(KNOWN_HOSTS)).expect("read");
        assert!(pinned.contains("AAAA1") && pinned.contains("AAAA2") && !pinned.contains("OTHER"));

        let again = export(&all, known, plan(), &folder, "admin").expect_err("refused");
        assert!(again.message.contains("already holds"), "{}", again.message);
        let spaced = export(&all, known, plan(), &dir.path().join("my office"), "admin")
            .expect_err("refused");
        assert!(spaced.message.contains("without spaces"));
        assert!(export(&all, known, plan(), Path::new("relative"), "admin").is_err());
        let file = RolloutPlan {
            change: Change::File {
                path: "/tmp/app_1.0_all.deb".into(),
                sha256: "ab".repeat(32),
            },
            ..plan()
        };
        let refused =
            export(&all, known, file, &dir.path().join("other"), "admin").expect_err("refused");
        assert!(
            refused.message.contains("not a package file"),
            "{}",
            refused.message
        );
    }
}
