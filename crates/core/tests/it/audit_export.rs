//! `audit::export`: CSV and JSON files, formula neutralising, and the export
//! recording itself in the log whether it worked or not.

use crate::util::{TestDir, actor, all, files_in, fill, t0, verify};
use serde_json::json;
use shipshape_core::ErrorCode;
use shipshape_core::audit::{
    self, Actor, ExportFormat, Filter, NewEntry, Outcome, Source, Verdict,
};
use std::os::unix::fs::PermissionsExt;

const HEADER: [&str; 10] = [
    "seq", "time", "actor", "source", "action", "target", "outcome", "reason", "details", "hash",
];

fn read_csv(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

#[test]
fn csv_has_a_header_and_one_row_per_entry() {
    let dir = TestDir::new();
    let store = dir.open();
    let entries = fill(&store, 6);
    let path = dir.root().join("log.csv");
    let summary = audit::export(
        &store,
        t0(),
        &actor(),
        &Filter::default(),
        ExportFormat::Csv,
        &path,
    )
    .unwrap();
    assert_eq!(summary.entries, 6);
    assert_eq!(summary.format, ExportFormat::Csv);
    assert_eq!(summary.path, path.display().to_string());

    let (header, rows) = read_csv(&path);
    assert_eq!(header, HEADER);
    assert_eq!(rows.len(), entries.len());
    for (row, e) in rows.iter().zip(&entries) {
        assert_eq!(row[0], e.seq.to_string());
        assert_eq!(row[1], e.time);
        assert_eq!(row[2], e.actor);
        assert_eq!(row[3], e.source.as_str());
        assert_eq!(row[4], e.action);
        assert_eq!(row[5], e.target);
        assert_eq!(row[6], e.outcome.as_str());
        assert_eq!(row[7], e.reason.clone().unwrap_or_default());
        let details: serde_json::Value = serde_json::from_str(&row[8]).unwrap();
        assert_eq!(details, e.details);
        assert!(
            !row[8].contains(": "),
            "details are compact JSON: {}",
            row[8]
        );
        assert_eq!(row[9], e.hash);
    }
    assert_eq!(
        audit::to_csv(&entries).unwrap(),
        std::fs::read_to_string(&path).unwrap()
    );
}

#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
    let dir = TestDir::new();
    let store = dir.open();
    let who = Actor {
        user: "@admin".into(),
        source: Source::Cli,
    };
    audit::append(
        &store,
        t0(),
        &who,
        NewEntry::failed(
            "-cmd",
            "=HYPERLINK(\"http://evil\")",
            "+1 failure",
            json!(-5),
        ),
    )
    .unwrap();
    audit::append(
        &store,
        t0(),
        &actor(),
        NewEntry::ok("a=b", "x-y", json!({"k": "=1"})),
    )
    .unwrap();
    let path = dir.root().join("log.csv");
    audit::export(
        &store,
        t0(),
        &actor(),
        &Filter::default(),
        ExportFormat::Csv,
        &path,
    )
    .unwrap();

    let (_, rows) = read_csv(&path);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][2], "'@admin");
    assert_eq!(rows[0][4], "'-cmd");
    assert_eq!(rows[0][5], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(rows[0][7], "'+1 failure");
    assert_eq!(rows[0][8], "'-5");
    // Only a leading character counts.
    assert_eq!(rows[1][4], "a=b");
    assert_eq!(rows[1][5], "x-y");
    assert_eq!(rows[1][8], r#"{"k":"=1"}"#);
    // No cell of the file starts a formula.
    for row in &rows {
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        }
    }
}

#[test]
fn json_export_is_what_to_json_gives_for_the_list() {
    let dir = TestDir::new();
    let store = dir.open();
    fill(&store, 5);
    let before = all(&store);
    let path = dir.root().join("log.json");
    let summary = audit::export(
        &store,
        t0(),
        &actor(),
        &Filter::default(),
        ExportFormat::Json,
        &path,
    )
    .unwrap();
    assert_eq!(summary.entries, 5);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, audit::to_json(&before).unwrap());
    let parsed: Vec<audit::Entry> = serde_json::from_str(&text).unwrap();
    assert_eq!(parsed, before);
}

#[test]
fn an_export_records_itself_afterwards() {
    let dir = TestDir::new();
    let store = dir.open();
    fill(&store, 4);
    let path = dir.root().join("some.json");
    let filter = Filter {
        action: Some("check.".into()),
        ..Filter::default()
    };
    let summary = audit::export(
        &store,
        crate::util::at(100),
        &actor(),
        &filter,
        ExportFormat::Json,
        &path,
    )
    .unwrap();
    assert_eq!(summary.entries, 2); // sample 1 and 4 are check.run

    let exported: Vec<audit::Entry> =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(exported.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 4]);

    let entries = all(&store);
    assert_eq!(entries.len(), 5);
    let last = &entries[4];
    assert_eq!(last.seq, 5);
    assert_eq!(last.action, "audit.export");
    assert_eq!(last.target, path.display().to_string());
    assert_eq!(last.outcome, Outcome::Ok);
    assert_eq!(last.reason, None);
    assert_eq!(last.time, "2026-11-24T11:10:00.000Z");
    assert_eq!(last.details["entries"], json!(2));
    assert_eq!(last.details["format"], json!("json"));
    assert_eq!(last.details["filter"]["action"], json!("check."));
    assert_eq!(verify(&store), Verdict::Intact { entries: 5 });
}

#[test]
fn exporting_an_empty_log_writes_an_empty_file_and_records_it() {
    let dir = TestDir::new();
    let store = dir.open();
    let csv = dir.root().join("empty.csv");
    let json = dir.root().join("empty.json");
    audit::export(
        &store,
        t0(),
        &actor(),
        &Filter::default(),
        ExportFormat::Csv,
        &csv,
    )
    .unwrap();
    let (header, rows) = read_csv(&csv);
    assert_eq!(header, HEADER);
    assert!(rows.is_empty());
    // The second export sees the first one's entry.
    let summary = audit::export(
        &store,
        t0(),
        &actor(),
        &Filter::default(),
        ExportFormat::Json,
        &json,
    )
    .unwrap();
    assert_eq!(summary.entries, 1);
    assert_eq!(verify(&store), Verdict::Intact { entries: 2 });
}

#[test]
fn exporting_into_a_missing_folder_fails_and_is_recorded() {
    let dir = TestDir::new();
    let store = dir.open();
    fill(&store, 3);
    let path = dir.root().join("no/such/folder/log.csv");
    let err = audit::export(
        &store,
        t0(),
        &actor(),
        &Filter::default(),
        ExportFormat::Csv,
        &path,
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::Io, "{err:?}");
    assert!(!dir.root().join("no").exists());

    let entries = all(&store);
    assert_eq!(entries.len(), 4);
    let last = &entries[3];
    assert_eq!(last.action, "audit.export");
    assert_eq!(last.target, path.display().to_string());
    assert_eq!(last.outcome, Outcome::Failed);
    assert_eq!(last.reason.as_deref(), Some(err.message.as_str()));
    assert!(last.details.get("entries").is_none());
    assert_eq!(last.details["format"], json!("csv"));
    assert_eq!(verify(&store), Verdict::Intact { entries: 4 });
}

#[test]
fn exporting_onto_a_folder_is_invalid_and_leaves_no_temp_file() {
    let dir = TestDir::new();
    let store = dir.open();
    fill(&store, 2);
    let folder = dir.root().join("exports");
    std::fs::create_dir(&folder).unwrap();
    let before = files_in(dir.root());
    let err = audit::export(
        &store,
        t0(),
        &actor(),
        &Filter::default(),
        ExportFormat::Json,
        &folder,
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput, "{err:?}");
    assert_eq!(files_in(dir.root()), before);
    assert!(files_in(&folder).is_empty());

    let last = all(&store).pop().unwrap();
    assert_eq!(last.action, "audit.export");
    assert_eq!(last.outcome, Outcome::Failed);
    assert!(last.reason.unwrap().contains("folder"));
}

#[test]
fn an_export_with_a_bad_filter_fails_and_is_recorded() {
    let dir = TestDir::new();
    let store = dir.open();
    let path = dir.root().join("log.csv");
    let filter = Filter {
        since: Some("last tuesday".into()),
        ..Filter::default()
    };
    let err = audit::export(&store, t0(), &actor(), &filter, ExportFormat::Csv, &path).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
    assert!(!path.exists());
    let entries = all(&store);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].outcome, Outcome::Failed);
    assert_eq!(entries[0].details["filter"]["since"], json!("last tuesday"));
}

#[test]
fn exporting_over_an_existing_file_replaces_it_and_keeps_its_mode() {
    let dir = TestDir::new();
    let store = dir.open();
    fill(&store, 2);
    let path = dir.root().join("log.json");
    std::fs::write(&path, "x".repeat(100_000)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    audit::export(
        &store,
        t0(),
        &actor(),
        &Filter::default(),
        ExportFormat::Json,
        &path,
    )
    .unwrap();
    let parsed: Vec<audit::Entry> =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(parsed.len(), 2);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(files_in(dir.root()), ["data", "log.json"]);
}

#[test]
fn export_formats_parse_case_insensitively() {
    assert_eq!(ExportFormat::parse("CSV").unwrap(), ExportFormat::Csv);
    assert_eq!(ExportFormat::parse("json").unwrap(), ExportFormat::Json);
    let err = ExportFormat::parse("xml").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidInput);
}
