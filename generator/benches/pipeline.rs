//! Speed of the whole pipeline, measured side by side in one run:
//! - `sync`: `api/sync.yaml` with its overlay (4 files), front half (`check`) and full `run`;
//! - `multi_file_N`: a synthetic spec of N schema files that refer to each other, plus one
//!   operation per file, the shape of large public APIs split over hundreds of files;
//! - `kubernetes`: Kubernetes v1.36.0's `swagger.json` (4 MB, 771 definitions, 1,123
//!   operations; vendored in `benches/kubernetes/` with its licence), a large real spec.
//!
//! `cargo bench -p generator --features mimalloc` (criterion reports medians; the feature
//! gives the binaries' allocator and settings, `generator::host`).

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};

/// With `--features mimalloc`, the allocator the binaries run the generator with (decision
/// 38), so the figures are those of the tool as shipped.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: generator::host::Allocator = generator::host::Allocator;
use generator::config::Config;
use generator::Diagnostics;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("generator/ has a parent").to_path_buf()
}

/// Writes a spec of `files` schema files into a fresh folder and returns its root document.
fn synthetic(files: usize) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("codegen-bench-{files}-{}", std::process::id()));
    let schemas = dir.join("schemas");
    std::fs::create_dir_all(&schemas).expect("temp dir");
    let mut spec = String::from("swagger: '2.0'\ninfo: {title: bench, version: '1'}\nbasePath: /v1\npaths:\n");
    for i in 0..files {
        let next = (i + 1) % files;
        let other = (i * 7 + 3) % files;
        let schema = format!(
            r#"{{
  "type": "object",
  "description": "Resource {i}.",
  "required": ["id"],
  "properties": {{
    "id": {{"type": "string"}},
    "count": {{"type": "integer", "format": "int32"}},
    "state": {{"type": "string", "enum": ["active", "archived", "deleted"]}},
    "tags": {{"type": "array", "items": {{"type": "string"}}}},
    "labels": {{"type": "object", "additionalProperties": {{"type": "string"}}}},
    "next": {{"$ref": "resource_{next}.json"}},
    "related": {{"type": "array", "items": {{"$ref": "resource_{other}.json"}}}}
  }}
}}
"#
        );
        std::fs::write(schemas.join(format!("resource_{i}.json")), schema).expect("write schema");
        let _ = write!(
            spec,
            "  /resources_{i}/{{id}}:\n    get:\n      operationId: getResource{i}\n      parameters:\n        - {{in: path, name: id, type: string, required: true}}\n        - {{in: query, name: limit, type: integer, x-example: 10}}\n      responses:\n        200:\n          description: The resource.\n          schema: {{$ref: 'schemas/resource_{i}.json'}}\n"
        );
    }
    let root = dir.join("spec.yaml");
    std::fs::write(&root, spec).expect("write spec");
    root
}

fn config(spec: PathBuf, overlays: Vec<PathBuf>) -> Config {
    let output = spec.parent().expect("folder").join("out");
    Config { overlays, ..Config::new(spec, output, "bench") }
}

fn bench(c: &mut Criterion) {
    generator::host::tune();
    let api = workspace().join("api");
    let sync = config(api.join("sync.yaml"), vec![api.join("overlays/sync-fixes.yaml")]);
    let mut inputs = vec![("sync".to_owned(), sync)];
    for files in [100, 400] {
        inputs.push((format!("multi_file_{files}"), config(synthetic(files), Vec::new())));
    }
    let kubernetes = workspace().join("generator/benches/kubernetes/swagger.json");
    inputs.push(("kubernetes".to_owned(), config(kubernetes, Vec::new())));
    let mut group = c.benchmark_group("pipeline");
    group.sample_size(10);
    for (name, config) in &inputs {
        // A run that fails would measure nothing useful.
        let mut diagnostics = Diagnostics::default();
        assert!(generator::run(config, &mut diagnostics).is_some(), "{name}: {}", diagnostics.render(false));
        group.bench_function(format!("{name}/check"), |b| {
            b.iter(|| {
                let mut diagnostics = Diagnostics::default();
                black_box(generator::check(&config.spec_path(), &config.overlay_paths(), &mut diagnostics))
            })
        });
        group.bench_function(format!("{name}/run"), |b| {
            b.iter(|| {
                let mut diagnostics = Diagnostics::default();
                black_box(generator::run(config, &mut diagnostics))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
