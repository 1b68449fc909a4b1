//! Menu entries for the programs Shipshape installs in /opt: one for the
//! version in use (through `/opt/<name>/current`, so a switch shows in the
//! menu at once) and one for each version beside it, named with its
//! version, so both can be started while the administrator compares them.
//! They are written afresh from what is installed after each install,
//! switch and undo, by root, into a folder only root may change
//! (`/usr/local/share/applications`, where the desktop's menus read
//! programs installed on this computer); entries of versions no longer
//! there are removed.

use crate::atomic_file;
use crate::{Error, ErrorCode, Result};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Every entry Shipshape writes starts so, and only those are removed.
const PREFIX: &str = "shipshape-opt-";

/// Where menu entries go: /usr/local/share/applications, or (in builds
/// made for tests) `SHIPSHAPE_MENU_DIR`.
pub fn menu_dir() -> PathBuf {
    crate::test_settings::path("SHIPSHAPE_MENU_DIR")
        .unwrap_or_else(|| PathBuf::from("/usr/local/share/applications"))
}

/// The program to start in a version's folder `at`: `<name>.AppImage`,
/// else `bin/<name>` or `<name>`, else the first other program in `bin/`,
/// else at the top; its path inside the folder. Only regular files that
/// may be run count, never a link.
pub fn program_in(at: &Path, name: &str) -> Option<String> {
    let runnable = |rel: &str| {
        std::fs::symlink_metadata(at.join(rel))
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    let appimage = format!("{name}.AppImage");
    let named = [appimage, format!("bin/{name}"), name.to_string()];
    if let Some(found) = named.into_iter().find(|rel| runnable(rel)) {
        return Some(found);
    }
    ["bin", ""].into_iter().find_map(|sub| {
        let mut files: Vec<String> = std::fs::read_dir(at.join(sub))
            .ok()?
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .map(|f| {
                if sub.is_empty() {
                    f
                } else {
                    format!("{sub}/{f}")
                }
            })
            .filter(|rel| runnable(rel))
            .collect();
        files.sort();
        files.into_iter().next()
    })
}

/// The program an entry of Shipshape's belongs to, from its file name:
/// `shipshape-opt-NAME.desktop` or `shipshape-opt-NAME-VVERSION.desktop`
/// (a name is lower-case, so its "-V" is where the version begins).
fn owner(file: &str) -> Option<&str> {
    let stem = file.strip_prefix(PREFIX)?.strip_suffix(".desktop")?;
    Some(stem.find("-V").map_or(stem, |at| &stem[..at]))
}

/// A desktop entry that starts `exec`, titled `title`.
fn entry(title: &str, exec: &Path, comment: &str) -> String {
    // Names and versions are plain (letters, digits, + - . _ ~), so the
    // path needs no quoting; "%" cannot occur in it.
    format!(
        "[Desktop Entry]\nType=Application\nName={title}\nComment={comment}\nExec={}\nTerminal=false\nCategories=Utility;\n",
        exec.display()
    )
}

/// Writes the menu entries of program `name` (installed under `opt`) into
/// `menu` as they should be now, and removes those of versions gone.
/// What was written, by file name.
pub fn refresh(opt: &Path, menu: &Path, name: &str) -> Result<Vec<String>> {
    let (versions, current) = super::program::installed(opt, name);
    let folder = opt.join(name);
    let mut wanted: Vec<(String, String)> = Vec::new();
    if let Some(current) = &current
        && let Some(rel) = program_in(&folder.join(current), name)
    {
        wanted.push((
            format!("{PREFIX}{name}.desktop"),
            entry(
                name,
                &folder.join("current").join(&rel),
                &format!(
                    "The version in use, installed by Shipshape in {}",
                    folder.display()
                ),
            ),
        ));
    }
    if versions.len() > 1 {
        for v in &versions {
            if let Some(rel) = program_in(&folder.join(v), name) {
                wanted.push((
                    format!("{PREFIX}{name}-V{v}.desktop"),
                    entry(
                        &format!("{name} {v}"),
                        &folder.join(v).join(&rel),
                        &format!("Version {v}, installed by Shipshape beside the others"),
                    ),
                ));
            }
        }
    }
    if !menu.exists() && wanted.is_empty() {
        return Ok(Vec::new());
    }
    std::fs::create_dir_all(menu).map_err(|e| Error::io("create", menu, &e))?;
    let meta = std::fs::symlink_metadata(menu).map_err(|e| Error::io("read", menu, &e))?;
    if !meta.is_dir() || meta.uid() != 0 || meta.mode() & 0o022 != 0 {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "{} is not a folder only the administrator may change, so Shipshape writes no menu entry there.",
                menu.display()
            ),
            "Someone else could change the menu there: make it root's, then switch or install again.",
        ));
    }
    for e in std::fs::read_dir(menu)
        .map_err(|e| Error::io("read", menu, &e))?
        .flatten()
    {
        let file = e.file_name().to_string_lossy().into_owned();
        if owner(&file) == Some(name) && !wanted.iter().any(|(w, _)| *w == file) {
            let path = menu.join(&file);
            std::fs::remove_file(&path).map_err(|e| Error::io("remove", &path, &e))?;
        }
    }
    for (file, text) in &wanted {
        atomic_file::write_with(
            &menu.join(file),
            text.as_bytes(),
            atomic_file::Options {
                mode: Some(0o644),
                owner: None,
            },
        )?;
    }
    Ok(wanted.into_iter().map(|(f, _)| f).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program(opt: &Path, name: &str, version: &str, rel: &str) {
        let at = opt.join(name).join(version).join(rel);
        std::fs::create_dir_all(at.parent().expect("a folder")).expect("made");
        std::fs::write(&at, "#!/bin/sh\n").expect("written");
        std::fs::set_permissions(&at, std::fs::Permissions::from_mode(0o755)).expect("mode");
    }

    fn point(opt: &Path, name: &str, version: &str) {
        let link = opt.join(name).join("current");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(version, &link).expect("linked");
    }

    fn listed(menu: &Path) -> Vec<String> {
        let mut files: Vec<String> = std::fs::read_dir(menu)
            .expect("read")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        files
    }

    #[test]
    fn entries_follow_what_is_installed_and_leave_other_programs_alone() {
        let dir = tempfile::tempdir().expect("a folder");
        let (opt, menu) = (dir.path().join("opt"), dir.path().join("applications"));
        program(&opt, "tool", "1.0", "bin/tool");
        point(&opt, "tool", "1.0");
        // Another program whose name begins the same, and a file not ours.
        program(&opt, "tool-extra", "2.0", "run.sh");
        point(&opt, "tool-extra", "2.0");
        refresh(&opt, &menu, "tool-extra").expect("written");
        std::fs::write(menu.join("firefox.desktop"), "x").expect("written");

        // One version: one entry, through current.
        assert_eq!(
            refresh(&opt, &menu, "tool").expect("written"),
            vec!["shipshape-opt-tool.desktop"]
        );
        let text = std::fs::read_to_string(menu.join("shipshape-opt-tool.desktop")).expect("read");
        assert!(
            text.contains(&format!(
                "Exec={}",
                opt.join("tool/current/bin/tool").display()
            )),
            "{text}"
        );
        assert!(text.contains("Name=tool\n"), "{text}");

        // Two side by side: one for each, named with its version.
        program(&opt, "tool", "2.0", "bin/tool");
        point(&opt, "tool", "2.0");
        refresh(&opt, &menu, "tool").expect("written");
        assert_eq!(
            listed(&menu),
            vec![
                "firefox.desktop",
                "shipshape-opt-tool-V1.0.desktop",
                "shipshape-opt-tool-V2.0.desktop",
                "shipshape-opt-tool-extra.desktop",
                "shipshape-opt-tool.desktop",
            ]
        );
        let old =
            std::fs::read_to_string(menu.join("shipshape-opt-tool-V1.0.desktop")).expect("read");
        assert!(
            old.contains("Name=tool 1.0\n") && old.contains("tool/1.0/bin/tool"),
            "{old}"
        );

        // 2.0 undone: back to one entry; removed whole: none of its own.
        std::fs::remove_dir_all(opt.join("tool/2.0")).expect("removed");
        point(&opt, "tool", "1.0");
        refresh(&opt, &menu, "tool").expect("written");
        assert!(!menu.join("shipshape-opt-tool-V2.0.desktop").exists());
        assert!(!menu.join("shipshape-opt-tool-V1.0.desktop").exists());
        std::fs::remove_dir_all(opt.join("tool")).expect("removed");
        refresh(&opt, &menu, "tool").expect("written");
        assert_eq!(
            listed(&menu),
            vec!["firefox.desktop", "shipshape-opt-tool-extra.desktop"]
        );
    }

    #[test]
    fn the_program_to_start_is_found_by_its_name_first_and_never_through_a_link() {
        let dir = tempfile::tempdir().expect("a folder");
        let at = dir.path();
        assert_eq!(program_in(at, "tool"), None);
        program(at, "x", "", "bin/helper");
        let v = at.join("x");
        assert_eq!(program_in(&v, "tool").as_deref(), Some("bin/helper"));
        program(at, "x", "", "tool");
        assert_eq!(program_in(&v, "tool").as_deref(), Some("tool"));
        std::os::unix::fs::symlink("/bin/sh", v.join("tool.AppImage")).expect("linked");
        assert_eq!(program_in(&v, "tool").as_deref(), Some("tool"));
    }
}
