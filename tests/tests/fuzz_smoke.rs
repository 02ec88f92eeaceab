//! A stable, count-bounded run of the fuzz targets (`fuzz/`, cargo-fuzz on nightly), so CI
//! exercises them: deterministic pseudo-random inputs through the same functions.
//!
//! - 2,000 inputs through each load target (YAML and JSON): byte-level mutations of the seeds
//!   and of random bytes, with YAML tokens, Unicode, NUL and bidi characters.
//! - Structure-aware mutations of every seed spec (the sync spec, every `ok` codegen fixture,
//!   the Matrix seeds) through the whole pipeline up to emission: each seed is mutated
//!   `PER_SEED` times, with Unicode and edge strings, names such as `Option`, mangled refs.
//!
//! A failure prints the seed and iteration, which replays it exactly.

use std::panic::AssertUnwindSafe;

use tests::fuzz::{self, Entropy, Outcome, PipelineTarget};

const LOAD_INPUTS: u64 = 2_000;
const PER_SEED: u64 = 12;

fn load_inputs(is_json: bool) {
    let seeds = fuzz::seeds(&tests::workspace_root());
    let mut failures = Vec::new();
    for i in 0..LOAD_INPUTS {
        let mut entropy = Entropy::from_seed(i.wrapping_mul(0x9E37) ^ u64::from(is_json));
        let seed = &seeds[entropy.below(seeds.len())];
        // A small window of the seed keeps each input quick while covering all of it.
        let start = entropy.below(seed.text.len());
        let start = (0..=start).rev().find(|&s| seed.text.is_char_boundary(s)).unwrap_or(0);
        let window: String = seed.text[start..].chars().take(4096).collect();
        let input = fuzz::mutate_bytes(window.as_bytes(), &mut entropy);
        if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(|| fuzz::load_target(&input, is_json))) {
            failures.push(format!(
                "input {i} ({}): {}\n{:?}",
                seed.name,
                panic_message(&panic),
                String::from_utf8_lossy(&input)
            ));
        }
    }
    assert!(failures.is_empty(), "{} of {LOAD_INPUTS} inputs failed; the first:\n{}", failures.len(), first(&failures));
}

/// The first few failures: one bug tends to fail many inputs.
fn first(failures: &[String]) -> String {
    failures.iter().take(8).cloned().collect::<Vec<_>>().join("\n\n")
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
fn load_yaml_survives_mutated_bytes() {
    load_inputs(false);
}

#[test]
fn load_json_survives_mutated_bytes() {
    load_inputs(true);
}

#[test]
fn pipeline_survives_structure_aware_mutations_of_every_seed() {
    let dir = std::env::temp_dir().join(format!("fuzz-smoke-pipeline-{}", std::process::id()));
    let target = PipelineTarget::new(&tests::workspace_root(), dir.clone());
    assert!(target.seeds.len() >= 20, "too few seeds: {}", target.seeds.len());
    let mut failures = Vec::new();
    let (mut generated, mut refused) = (0, 0);
    for (s, seed) in target.seeds.iter().enumerate() {
        for i in 0..PER_SEED {
            let mut entropy = Entropy::from_seed((s as u64) << 32 | i);
            match std::panic::catch_unwind(AssertUnwindSafe(|| target.run_seed(seed, &mut entropy))) {
                Ok(Outcome::Generated(_)) => generated += 1,
                Ok(Outcome::Refused) => refused += 1,
                Ok(Outcome::Skipped | Outcome::TooLarge) => {}
                Err(panic) => failures.push(format!("{} iteration {i}: {}", seed.name, panic_message(&panic))),
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("pipeline smoke: {generated} generated, {refused} refused, {} failed", failures.len());
    assert!(generated > 0 && refused > 0, "the mutations should both keep and break specs");
    assert!(failures.is_empty(), "{} runs failed; the first:\n{}", failures.len(), first(&failures));
}
