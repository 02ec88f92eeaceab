//! Structure-aware mutations of real specs through the whole pipeline, up to emission.
//!
//! The first byte of an input picks a seed spec (the sync spec, an `ok` codegen fixture or a
//! Matrix seed), the rest drives the mutations (`tests::fuzz::mutate`). Nothing is written
//! but the mutated root document, in a temporary folder of this process.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use tests::fuzz::PipelineTarget;

fn target() -> &'static PipelineTarget {
    static TARGET: OnceLock<PipelineTarget> = OnceLock::new();
    TARGET.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("fuzz/ has a parent");
        let tmp = std::env::temp_dir();
        // Fork mode starts a process a job: remove the folders of those that have ended.
        for entry in std::fs::read_dir(&tmp).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("specgen-fuzz-pipeline-") {
                if !Path::new("/proc").join(pid).exists() {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = tmp.join(format!("specgen-fuzz-pipeline-{}", std::process::id()));
        PipelineTarget::new(root, dir)
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    target().run(data);
});
