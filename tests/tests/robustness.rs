//! The generator never panics on any input: thousands of broken variants of the sync spec
//! (truncated anywhere, a line deleted, a value replaced by another kind) each either
//! generate code or fail with at least one error, never a panic and never a silent failure.

use std::path::{Path, PathBuf};

use generator::config::Config;
use generator::Diagnostics;

/// Writes the spec folder with `sync.yaml` replaced by `text` and returns the root document.
fn spec_folder(dir: &Path, text: &str) -> PathBuf {
    let api = tests::workspace_root().join("api");
    std::fs::create_dir_all(dir.join("definitions")).expect("temp dir");
    for name in ["event_batch.json", "room_event_batch.json", "timeline_batch.json"] {
        std::fs::copy(api.join("definitions").join(name), dir.join("definitions").join(name))
            .expect("copy definitions");
    }
    let link = dir.join("definitions/definitions");
    if std::fs::symlink_metadata(&link).is_err() {
        std::os::unix::fs::symlink(".", &link).expect("symlink");
    }
    let spec = dir.join("sync.yaml");
    std::fs::write(&spec, text).expect("write spec");
    spec
}

fn config(spec: &Path) -> Config {
    Config::new(spec, spec.parent().expect("has a folder").join("out"), "robust")
}

/// Runs the whole pipeline on `text`; returns a description of the failure, if any.
fn survives(dir: &Path, text: &str) -> Result<(), String> {
    let spec = spec_folder(dir, text);
    let config = config(&spec);
    let outcome = std::panic::catch_unwind(|| {
        let mut diagnostics = Diagnostics::default();
        let files = generator::run(&config, &mut diagnostics);
        let rendered = diagnostics.render(false);
        (files.is_some(), diagnostics.has_errors(), rendered)
    });
    match outcome {
        Err(_) => Err("panicked".into()),
        Ok((false, false, rendered)) => Err(format!("failed without an error:\n{rendered}")),
        Ok(_) => Ok(()),
    }
}

fn variants(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for cut in (0..text.len()).step_by(53).filter(|&i| text.is_char_boundary(i)) {
        out.push((format!("truncated at byte {cut}"), text[..cut].to_owned()));
    }
    let lines: Vec<&str> = text.lines().collect();
    for i in 0..lines.len() {
        let mut copy = lines.clone();
        copy.remove(i);
        out.push((format!("line {} deleted", i + 1), copy.join("\n")));
    }
    for (i, line) in lines.iter().enumerate() {
        let Some((key, _)) = line.split_once(": ") else { continue };
        for replacement in ["[]", "{}", "42", "null", "'#/x'", "{$ref: '#/definitions/Nope'}"] {
            let mut copy = lines.clone();
            let replaced = format!("{key}: {replacement}");
            copy[i] = &replaced;
            out.push((format!("line {} value replaced by `{replacement}`", i + 1), copy.join("\n")));
        }
    }
    out
}

#[test]
fn broken_variants_of_the_sync_spec_never_panic() {
    let text = std::fs::read_to_string(tests::workspace_root().join("api/sync.yaml")).expect("spec");
    let dir = std::env::temp_dir().join(format!("codegen-robustness-{}", std::process::id()));
    let variants = variants(&text);
    assert!(variants.len() > 500, "too few variants: {}", variants.len());
    let failures: Vec<String> =
        variants.iter().filter_map(|(what, text)| survives(&dir, text).err().map(|e| format!("{what}: {e}"))).collect();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{} of {} variants failed:\n{}", failures.len(), variants.len(), failures.join("\n"));
}
