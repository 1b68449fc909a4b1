//! Native file dialogs (GTK through rfd). GTK dialogs must run on the
//! main thread; the command waits for the answer on a worker thread.

use shipshape_core::Error;
use std::path::PathBuf;
use std::sync::mpsc;
use tauri::{AppHandle, WebviewWindow};

/// What a save dialog offers: its title, and the kind of file with its
/// extension.
#[derive(Debug, Clone, Copy)]
pub struct SaveAs {
    pub title: &'static str,
    pub label: &'static str,
    pub extension: &'static str,
}

pub async fn choose_save_path(
    app: AppHandle,
    window: WebviewWindow,
    save_as: SaveAs,
    suggested_name: String,
) -> Result<Option<PathBuf>, Error> {
    let (tx, rx) = mpsc::channel();
    app.run_on_main_thread(move || {
        let chosen = rfd::FileDialog::new()
            .set_title(save_as.title)
            .set_file_name(suggested_name)
            .add_filter(save_as.label, &[save_as.extension])
            .set_parent(&window)
            .save_file();
        let _ = tx.send(chosen);
    })
    .map_err(|e| Error::internal(format!("Could not open the save dialog: {e}")))?;
    tauri::async_runtime::spawn_blocking(move || rx.recv().ok().flatten())
        .await
        .map_err(|e| Error::internal(format!("The save dialog failed: {e}")))
}

/// The native "open file" dialog.
pub async fn choose_open_path(
    app: AppHandle,
    window: WebviewWindow,
    title: String,
) -> Result<Option<PathBuf>, Error> {
    let (tx, rx) = mpsc::channel();
    app.run_on_main_thread(move || {
        let chosen = rfd::FileDialog::new()
            .set_title(title)
            .set_parent(&window)
            .pick_file();
        let _ = tx.send(chosen);
    })
    .map_err(|e| Error::internal(format!("Could not open the file chooser: {e}")))?;
    tauri::async_runtime::spawn_blocking(move || rx.recv().ok().flatten())
        .await
        .map_err(|e| Error::internal(format!("The file chooser failed: {e}")))
}
