// A command is declared once: by its `#[tauri::command]` function in
// src/commands.rs. From those functions this step writes everything else
// that must name it, so no list can fall out of step with another:
// - the permission manifest (each command gets an `allow-<command>`
//   permission) and the main window's capability granting exactly those;
// - the handler list main.rs includes (`$OUT_DIR/handlers.rs`);
// - the isolation frame's allow-list (ui/isolation/commands.js, not kept in
//   git), so only the app's own commands pass;
// - the UI's `Command` type (ui/src/lib/ipc/commands.ts, kept in git and
//   checked by `make check-types`), so the UI calls only commands that exist.

use std::fs;
use std::path::{Path, PathBuf};

/// What the window may use besides its own commands.
const CORE_PERMISSIONS: &[&str] = &["core:event:allow-listen", "core:event:allow-unlisten"];

/// The names of the `#[tauri::command]` functions in `source`, in order.
fn command_names(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut marked = false;
    for line in source.lines().map(str::trim) {
        if line.starts_with("#[tauri::command") {
            marked = true;
        } else if marked && let Some(at) = line.find("fn ") {
            let name: String = line[at + 3..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            names.push(name);
            marked = false;
        }
    }
    names
}

/// Writes `text` to `path` unless it already holds it, so an unchanged
/// list touches nothing (and rebuilds nothing).
fn write_if_changed(path: &Path, text: &str) {
    if fs::read_to_string(path).ok().as_deref() == Some(text) {
        return;
    }
    fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

fn capability(names: &[String]) -> String {
    let permissions: Vec<String> = names
        .iter()
        .map(|n| format!("allow-{}", n.replace('_', "-")))
        .chain(CORE_PERMISSIONS.iter().map(|p| p.to_string()))
        .collect();
    let capability = serde_json::json!({
        "identifier": "main-window",
        "description": "What the main window may call: its own screens' commands, nothing else.",
        "windows": ["main"],
        "permissions": permissions,
    });
    serde_json::to_string_pretty(&capability).expect("a capability is plain JSON") + "\n"
}

fn handlers(names: &[String]) -> String {
    let list: Vec<String> = names.iter().map(|n| format!("commands::{n}")).collect();
    format!("tauri::generate_handler![{}]\n", list.join(", "))
}

fn isolation(names: &[String]) -> String {
    let list: Vec<String> = names.iter().map(|n| format!("  '{n}',\n")).collect();
    format!(
        "// Written by src-tauri/build.rs from the app's commands; do not edit.\n\
         window.__SHIPSHAPE_COMMANDS__ = new Set([\n{}]);\n",
        list.concat()
    )
}

fn ui_type(names: &[String]) -> String {
    let list: Vec<String> = names.iter().map(|n| format!("  | '{n}'\n")).collect();
    format!(
        "// Written by src-tauri/build.rs from the app's commands; do not edit.\n\
         /** A command the app answers. */\n\
         export type Command =\n{};\n",
        list.concat().trim_end()
    )
}

fn main() {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let commands = manifest_dir.join("src/commands.rs");
    println!("cargo:rerun-if-changed={}", commands.display());
    let source = fs::read_to_string(&commands)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", commands.display()));
    let names = command_names(&source);
    assert!(!names.is_empty(), "src/commands.rs declares no command");

    let capabilities = out.join("capabilities");
    fs::create_dir_all(&capabilities).expect("OUT_DIR is writable");
    write_if_changed(&capabilities.join("main.json"), &capability(&names));
    write_if_changed(&out.join("handlers.rs"), &handlers(&names));
    let ui = manifest_dir.join("../ui");
    write_if_changed(&ui.join("isolation/commands.js"), &isolation(&names));
    write_if_changed(&ui.join("src/lib/ipc/commands.ts"), &ui_type(&names));

    let pattern: &'static str =
        Box::leak(format!("{}/*.json", capabilities.display()).into_boxed_str());
    let manifest_names: Vec<&'static str> = names
        .into_iter()
        .map(|n| &*Box::leak(n.into_boxed_str()))
        .collect();
    let manifest_names: &'static [&'static str] = Box::leak(manifest_names.into_boxed_slice());
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .capabilities_path_pattern(pattern)
            .app_manifest(tauri_build::AppManifest::new().commands(manifest_names)),
    )
    .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
