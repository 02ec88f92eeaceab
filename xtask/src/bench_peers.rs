//! `cargo xtask bench-peers [--runs N] [--only NAME]`: our generator and, when installed,
//! openapi-generator's `rust` generator, side by side on the same specs.
//!
//! Each run is a whole process generating a whole crate into an empty temp folder, kept until
//! the end (deleting one run's files slows the next run's creating of its own), after a
//! `sync`; runs alternate between the tools, so a busy machine slows both alike. Prints, per spec and
//! tool, the median wall time and the largest peak resident set (from `/usr/bin/time -v`,
//! when it is there), and the ratio of the medians.
//!
//! Ours is this very binary (`xtask codegen --config`), so build it with `--release` for a
//! fair figure: `cargo run --release -p xtask -- bench-peers`. openapi-generator is
//! `openapi-generator-cli` on `PATH` (the PyPI or npm package), or
//! `java -jar $OPENAPI_GENERATOR_JAR`. Nothing here is a test: no test depends on a peer.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One spec to generate from: ours reads it with its overlays, the peer reads it as written.
struct Input {
    name: &'static str,
    spec: PathBuf,
    overlays: Vec<PathBuf>,
}

/// One run's cost; `rss_kb` is `None` without `/usr/bin/time`.
struct Sample {
    wall: Duration,
    rss_kb: Option<u64>,
}

const TIME: &str = "/usr/bin/time";

pub fn main(args: &[String]) -> Result<(), String> {
    let mut runs = 5usize;
    let mut only: Option<String> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--runs" => {
                runs = it.next().and_then(|n| n.parse().ok()).filter(|n| *n > 0).ok_or("--runs takes a number")?;
            }
            "--only" => only = Some(it.next().ok_or("--only takes `sync` or `kubernetes`")?.clone()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let root = crate::workspace_root();
    let inputs = [
        Input {
            name: "sync",
            spec: root.join("api/sync.yaml"),
            overlays: vec![root.join("api/overlays/sync-fixes.yaml")],
        },
        Input { name: "kubernetes", spec: root.join("generator/benches/kubernetes/swagger.json"), overlays: vec![] },
    ];
    let ours = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    let peer = peer();
    if cfg!(debug_assertions) {
        eprintln!("warning: this is a debug build; run `cargo run --release -p xtask -- bench-peers` for real figures");
    }
    match &peer {
        Some(peer) => eprintln!("peer: {}", peer.join(" ")),
        None => eprintln!(
            "peer: openapi-generator not found (put `openapi-generator-cli` on PATH or set OPENAPI_GENERATOR_JAR); ours only"
        ),
    }
    let time = Path::new(TIME).is_file();
    if !time {
        eprintln!("note: {TIME} is missing, so peak memory is not measured");
    }
    let scratch = std::env::temp_dir().join(format!("specgen-bench-peers-{}", std::process::id()));
    println!("| input | ours | openapi-generator `rust` | ratio |");
    println!("|---|---|---|---|");
    for input in inputs.iter().filter(|i| only.as_deref().is_none_or(|o| o == i.name)) {
        let mut our_samples = Vec::new();
        let mut peer_samples = Vec::new();
        for run in 0..runs {
            let dir = scratch.join(format!("{}-{run}", input.name));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
            let config = dir.join("bench.codegen.yaml");
            std::fs::write(&config, our_config(input, &dir.join("ours"), &root.join("runtime")))
                .map_err(|e| format!("cannot write `{}`: {e}", config.display()))?;
            let mut command = Command::new(&ours);
            command.arg("codegen").arg("--config").arg(&config);
            our_samples.push(measure(command, time, &format!("ours on {}", input.name))?);
            if let Some(peer) = &peer {
                let mut command = Command::new(&peer[0]);
                command.args(&peer[1..]).arg("generate").arg("-g").arg("rust").arg("-i").arg(&input.spec);
                command.arg("-o").arg(dir.join("peer"));
                peer_samples.push(measure(command, time, &format!("openapi-generator on {}", input.name))?);
            }
            // Every run's output stays until the end: on ext4, creating files just after
            // thousands were deleted costs up to a second more (the allocator skips recently
            // freed inodes one by one), which is the loop's doing, not either tool's.
        }
        let ours = summary(&mut our_samples);
        let (theirs, ratio) = if peer_samples.is_empty() {
            ("not installed".to_owned(), "-".to_owned())
        } else {
            let ratio = median(&mut peer_samples).as_secs_f64() / median(&mut our_samples).as_secs_f64();
            (summary(&mut peer_samples), format!("{ratio:.1}× faster"))
        };
        println!("| {} ({runs} runs) | {ours} | {theirs} | {ratio} |", input.name);
    }
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(())
}

/// The command that runs openapi-generator, if there is one.
fn peer() -> Option<Vec<String>> {
    if let Ok(jar) = std::env::var("OPENAPI_GENERATOR_JAR") {
        if Path::new(&jar).is_file() {
            return Some(vec!["java".into(), "-jar".into(), jar]);
        }
    }
    let found = Command::new("openapi-generator-cli")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    found.then(|| vec!["openapi-generator-cli".into()])
}

/// A codegen config for `input` writing into `output`, with paths absolute.
fn our_config(input: &Input, output: &Path, runtime: &Path) -> String {
    let quote = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', "''"));
    let mut text = format!("spec: {}\n", quote(&input.spec));
    if !input.overlays.is_empty() {
        text.push_str("overlays:\n");
        for overlay in &input.overlays {
            text.push_str(&format!("  - {}\n", quote(overlay)));
        }
    }
    text.push_str(&format!(
        "output: {}\npackage:\n  name: bench-api\n  description: bench-peers\nruntime:\n  path: {}\n",
        quote(output),
        quote(runtime)
    ));
    text
}

/// Runs `command` (under `/usr/bin/time -v` when `time`), its output discarded.
fn measure(command: Command, time: bool, what: &str) -> Result<Sample, String> {
    let mut command = if time {
        let mut timed = Command::new(TIME);
        timed.arg("-v").arg(command.get_program()).args(command.get_args());
        timed
    } else {
        command
    };
    // The disk's dirty pages are written first, so neither tool pays for the other's files
    // being flushed while it runs (openapi-generator writes thousands; on ext4 here that cost
    // the run after it up to half a second).
    let _ = Command::new("sync").status();
    let started = Instant::now();
    let output = command.stdout(Stdio::null()).stderr(Stdio::piped()).output().map_err(|e| format!("{what}: {e}"))?;
    let wall = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!("{what} failed ({}):\n{}", output.status, tail.join("\n")));
    }
    let rss_kb = stderr
        .lines()
        .find_map(|line| line.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|n| n.trim().parse().ok());
    Ok(Sample { wall, rss_kb })
}

fn median(samples: &mut [Sample]) -> Duration {
    samples.sort_by_key(|s| s.wall);
    samples[samples.len() / 2].wall
}

/// `0.812 s, 190 MB`: the median wall time and the largest peak resident set.
fn summary(samples: &mut [Sample]) -> String {
    let wall = median(samples);
    let rss = samples.iter().filter_map(|s| s.rss_kb).max();
    match rss {
        Some(kb) => format!("{:.3} s, {} MB", wall.as_secs_f64(), kb / 1024),
        None => format!("{:.3} s", wall.as_secs_f64()),
    }
}
