//! Write: puts generated files on disk, or checks that the disk already holds them.
//!
//! In: the files of a run, relative to the output folder. Out: the files changed (write
//! mode), or the differences as a unified diff (check mode). Identical files are left
//! untouched; every new file is written beside its target first and renamed into place, so
//! a failed run leaves the committed files as they were.

use std::path::{Path, PathBuf};

/// A generated file: a path relative to the output folder, and its full contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

/// One file whose contents on disk differ from the generated ones.
#[derive(Debug, Clone)]
pub struct Drift {
    pub path: PathBuf,
    pub diff: String,
}

/// Files under the output folder that the generator owns: everything it writes, and any
/// `.rs` file under `src/` (a stale one is removed on write and reported on check).
fn owned_stale_files(out_dir: &Path, files: &[GeneratedFile]) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    let mut stack = vec![out_dir.join("src")];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(out_dir).unwrap_or(&path).to_path_buf();
                if !files.iter().any(|f| f.path == relative) {
                    stale.push(relative);
                }
            }
        }
    }
    stale.sort();
    stale
}

/// Compares the generated files with the disk without writing anything.
pub fn check(out_dir: &Path, files: &[GeneratedFile]) -> Vec<Drift> {
    let mut drift = Vec::new();
    for file in files {
        let on_disk = std::fs::read_to_string(out_dir.join(&file.path)).unwrap_or_default();
        if on_disk != file.contents {
            drift.push(Drift { path: file.path.clone(), diff: unified_diff(&file.path, &on_disk, &file.contents) });
        }
    }
    for path in owned_stale_files(out_dir, files) {
        let on_disk = std::fs::read_to_string(out_dir.join(&path)).unwrap_or_default();
        drift.push(Drift { diff: unified_diff(&path, &on_disk, ""), path });
    }
    drift
}

/// Writes the files that differ, removes stale ones, and returns the paths it changed.
pub fn write(out_dir: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<PathBuf>> {
    let mut staged = Vec::new();
    // Stage every changed file first, so an I/O error leaves the old files in place.
    for file in files {
        let target = out_dir.join(&file.path);
        if std::fs::read_to_string(&target).ok().as_deref() == Some(file.contents.as_str()) {
            continue;
        }
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let temp = target.with_extension("codegen-tmp");
        if let Err(e) = std::fs::write(&temp, &file.contents) {
            for (temp, _) in &staged {
                let _ = std::fs::remove_file(temp);
            }
            return Err(e);
        }
        staged.push((temp, target));
    }
    let mut changed = Vec::new();
    for (temp, target) in staged {
        std::fs::rename(&temp, &target)?;
        changed.push(target.strip_prefix(out_dir).unwrap_or(&target).to_path_buf());
    }
    for path in owned_stale_files(out_dir, files) {
        std::fs::remove_file(out_dir.join(&path))?;
        changed.push(path);
    }
    Ok(changed)
}

fn unified_diff(path: &Path, old: &str, new: &str) -> String {
    let name = path.display().to_string();
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name} (committed)"), &format!("b/{name} (generated)"))
        .to_string()
}
