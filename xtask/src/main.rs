//! `cargo xtask`: a thin command line over the `generator` library.
//!
//! - `cargo xtask codegen [--check] [--config FILE|DIR]`: every config of `api/` (each
//!   `api/*.codegen.yaml`, in name order), or the one file, or every config of the folder
//! - `cargo xtask lint [PATH] [--overlay FILE]... [--root DIR] [--example-refs literal|resolve]
//!   [--message-format human|json|sarif] [--deny-warnings] [--fix [-o FILE]]`: with `--fix`,
//!   also writes the overlay of the fixes lint can make (`generator::fix`) to FILE or stdout
//! - `cargo xtask stats PATH...`: what lowering keeps untyped, by construct (`stats`)
//! - `cargo xtask bench-peers [--runs N] [--only sync|kubernetes]`: ours against openapi-generator
//!   side by side (`bench_peers`)

mod bench_peers;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use generator::diagnostics::{codes, could_not_generate, Location};
use generator::{display_path, Config, Diagnostic, Diagnostics};

mod stats;

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--config FILE|DIR] [--deny-warnings] [--message-format human|json]
  cargo xtask lint [PATH] [--overlay FILE]... [--root DIR] [--example-refs literal|resolve] [--deny-warnings] [--message-format human|json|sarif] [--fix [-o FILE]]
  cargo xtask stats PATH...
  cargo xtask bench-peers [--runs N] [--only sync|kubernetes]";

#[derive(Default)]
struct Args {
    command: String,
    check: bool,
    deny_warnings: bool,
    json: bool,
    /// `--message-format sarif` (lint): one SARIF 2.1.0 log on stdout.
    sarif: bool,
    /// `lint --fix`: write the overlay of the mechanical fixes, to `output` or stdout.
    fix: bool,
    output: Option<PathBuf>,
    config: Option<PathBuf>,
    path: Option<PathBuf>,
    overlays: Vec<PathBuf>,
    root: Option<PathBuf>,
    /// What a `$ref` inside an example value is (a config's `examples.refs`).
    example_refs: generator::config::ExampleRefs,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    args.command = it.next().ok_or("missing command")?;
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--check" => args.check = true,
            "--deny-warnings" => args.deny_warnings = true,
            "--config" => args.config = Some(it.next().ok_or("--config takes a file or a folder")?.into()),
            "--overlay" => args.overlays.push(it.next().ok_or("--overlay takes a file")?.into()),
            "--root" => args.root = Some(it.next().ok_or("--root takes a folder")?.into()),
            "--example-refs" => {
                args.example_refs = match it.next().as_deref() {
                    Some("literal") => generator::config::ExampleRefs::Literal,
                    Some("resolve") => generator::config::ExampleRefs::Resolve,
                    _ => return Err("--example-refs takes `literal` or `resolve`".into()),
                }
            }
            "--message-format" => match it.next().as_deref() {
                Some("json") => (args.json, args.sarif) = (true, false),
                Some("sarif") => (args.json, args.sarif) = (false, true),
                Some("human") => (args.json, args.sarif) = (false, false),
                _ => return Err("--message-format takes `human`, `json` or `sarif`".into()),
            },
            "--fix" => args.fix = true,
            "-o" | "--output" => args.output = Some(it.next().ok_or("-o takes a file")?.into()),
            other if !other.starts_with('-') && args.path.is_none() => args.path = Some(other.into()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if args.sarif && args.command != "lint" {
        return Err("--message-format sarif is for `lint`".into());
    }
    if args.fix && args.output.is_none() && (args.json || args.sarif) {
        return Err(
            "--fix writes the overlay to stdout, where --message-format json or sarif also writes: add -o FILE".into(),
        );
    }
    Ok(args)
}

/// The workspace root, so the command works from any folder inside it.
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().map(PathBuf::from).unwrap_or_default()
}

/// How a job ended, worst last: the exit code of a run is that of its worst job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Ok,
    /// Errors in the input (or warnings, when denied), a stale crate, or an I/O error: 1.
    Failed,
    /// A bug in the generator (a panic): 101.
    Bug,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        match status {
            Status::Ok => ExitCode::SUCCESS,
            Status::Failed => ExitCode::FAILURE,
            Status::Bug => ExitCode::from(101),
        }
    }
}

/// What one job (a lint, or one config's codegen) reports: its diagnostics, then its closing
/// lines (files updated, drift, what failed).
#[derive(Default)]
struct Report {
    diagnostics: Diagnostics,
    lines: Vec<String>,
}

/// The allocator the generator runs best with (`generator::host`, decision 38).
#[global_allocator]
static ALLOCATOR: generator::host::Allocator = generator::host::Allocator;

fn main() -> ExitCode {
    generator::host::tune();
    let all: Vec<String> = std::env::args().skip(1).collect();
    if all.first().map(String::as_str) == Some("stats") {
        return stats::main(&all[1..]);
    }
    if all.first().map(String::as_str) == Some("bench-peers") {
        return match bench_peers::main(&all[1..]) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match args.command.as_str() {
        "codegen" => codegen_all(&args),
        "lint" => run_job(&args, |report| lint(&args, report)).into(),
        other => {
            eprintln!("error: unknown command `{other}`\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Runs one job with its own diagnostics and prints its report. The generator reports bad
/// input as diagnostics; a panic is a bug, and is reported as one.
fn run_job(args: &Args, job: impl FnOnce(&mut Report) -> Status) -> Status {
    let mut report = Report::default();
    let status = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(&mut report))).unwrap_or_else(|_| {
        report.lines.push(
            "error: internal error in the generator (a bug: please report it with the spec that caused it)".into(),
        );
        Status::Bug
    });
    print_diagnostics(args, &report.diagnostics);
    for line in &report.lines {
        eprintln!("{line}");
    }
    let denied = args.deny_warnings && report.diagnostics.has_warnings();
    if status == Status::Ok && (report.diagnostics.has_errors() || denied) {
        return Status::Failed;
    }
    status
}

fn print_diagnostics(args: &Args, diagnostics: &Diagnostics) {
    if diagnostics.is_empty() && !args.sarif {
        return;
    }
    if args.sarif {
        print!("{}", generator::sarif::render(diagnostics));
    } else if args.json {
        print!("{}", diagnostics.render_json());
    } else {
        eprint!("{}", diagnostics.render(std::io::stderr().is_terminal()));
    }
}

/// `codegen`: every config named (the files of `api/` named `*.codegen.yaml` by default), in
/// name order, each with its own report. A config that fails writes nothing; the others go on.
fn codegen_all(args: &Args) -> ExitCode {
    let target = args.config.clone().unwrap_or_else(|| workspace_root().join("api"));
    let paths = if target.is_dir() {
        match xtask::configs(&target) {
            Ok(paths) if paths.is_empty() => {
                let shown = Some(display_path(&target)).filter(|s| !s.is_empty()).unwrap_or_else(|| ".".into());
                eprintln!("error: no config in `{shown}`: a config is named `NAME{}`", xtask::CONFIG_SUFFIX);
                return ExitCode::FAILURE;
            }
            Ok(paths) => paths,
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", display_path(&target));
                return ExitCode::FAILURE;
            }
        }
    } else {
        vec![target]
    };
    // Named from the working folder, as the user would type them: diagnostics show them so.
    let paths: Vec<PathBuf> = paths.iter().map(|path| from_working_folder(path)).collect();
    // Every config is loaded first: two that share an output folder would overwrite or sweep
    // each other's crate, so neither runs.
    let loaded: Vec<Result<Config, Box<Diagnostic>>> = paths.iter().map(|path| Config::load(path)).collect();
    let clashes = output_clashes(&paths, &loaded);
    let mut failed = Vec::new();
    let mut worst = Status::Ok;
    for (i, (path, config)) in paths.iter().zip(loaded).enumerate() {
        let status = run_job(args, |report| {
            let shown = display_path(path);
            let config = match config {
                Ok(config) => config,
                Err(diagnostic) => {
                    generator::config::report_load_error(path, *diagnostic, &mut report.diagnostics);
                    report.lines.push(could_not_generate(&shown, &report.diagnostics));
                    return Status::Failed;
                }
            };
            let clashing: Vec<&Diagnostic> = clashes.iter().filter(|(at, _)| *at == i).map(|(_, d)| d).collect();
            if !clashing.is_empty() {
                if let Some(source) = &config.source {
                    report.diagnostics.add_source(&source.display, source.text.as_str());
                }
                for diagnostic in clashing {
                    report.diagnostics.push(diagnostic.clone());
                }
                report.lines.push(could_not_generate(&shown, &report.diagnostics));
                return Status::Failed;
            }
            codegen(args, &shown, &config, report)
        });
        if status != Status::Ok {
            failed.push(format!("`{}`", display_path(path)));
        }
        worst = worst.max(status);
    }
    if paths.len() > 1 && !failed.is_empty() {
        eprintln!("error: {} of {} configs failed: {}", failed.len(), paths.len(), failed.join(", "));
    }
    worst.into()
}

/// `path` relative to the working folder when it is inside it, else absolute.
fn from_working_folder(path: &Path) -> PathBuf {
    let absolute = generator::config::absolute(path);
    std::env::current_dir()
        .ok()
        .and_then(|cwd| absolute.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or(absolute)
}

/// The output folders that are the same as, or inside, another config's: for each config
/// involved (by index), the error at its `output:` line.
fn output_clashes(paths: &[PathBuf], loaded: &[Result<Config, Box<Diagnostic>>]) -> Vec<(usize, Diagnostic)> {
    let outputs: Vec<Option<PathBuf>> =
        loaded.iter().map(|config| config.as_ref().ok().map(|config| config.output_dir())).collect();
    let mut out = Vec::new();
    for (i, mine) in outputs.iter().enumerate() {
        let Some(mine) = mine else { continue };
        for (j, theirs) in outputs.iter().enumerate() {
            let Some(theirs) = theirs else { continue };
            if i == j || !(mine.starts_with(theirs) || theirs.starts_with(mine)) {
                continue;
            }
            let relation = if mine == theirs {
                "is also"
            } else if mine.starts_with(theirs) {
                "is inside"
            } else {
                "holds"
            };
            let message = format!(
                "output folder `{}` {relation} the output of `{}` (`{}`)",
                display_path(mine),
                display_path(&paths[j]),
                display_path(theirs)
            );
            let location = loaded[i].as_ref().ok().and_then(output_location);
            let diagnostic = Diagnostic::error(codes::CONFIG, message)
                .at(location)
                .label("shared with another config")
                .help("give each config a folder of its own, such as `../generated/<package name>`");
            out.push((i, diagnostic));
        }
    }
    out
}

/// Where a config names its `output:` folder.
fn output_location(config: &Config) -> Option<Location> {
    let source = config.source.as_ref()?;
    let parsed =
        generator::load::parse(&source.text, &source.display, false, &generator::load::Limits::default()).ok()?;
    let span = parsed.spans.get("/output")?.value;
    Some(Location {
        file: source.display.as_str().into(),
        line: span.line,
        column: span.column,
        start: span.start,
        end: span.end,
    })
}

/// One config: generates its crate, then writes the files that changed, or with `--check`
/// compares them with the committed crate.
fn codegen(args: &Args, shown: &str, config: &Config, report: &mut Report) -> Status {
    let Some(files) = generator::run(config, &mut report.diagnostics) else {
        report.lines.push(could_not_generate(shown, &report.diagnostics));
        return Status::Failed;
    };
    if args.deny_warnings && report.diagnostics.has_warnings() {
        report.lines.push(could_not_generate(shown, &report.diagnostics));
        return Status::Failed;
    }
    let out_dir = config.output_dir();
    let out = display_path(&out_dir);
    if args.check {
        let drift = generator::write::check(&out_dir, &files);
        if drift.is_empty() {
            report.lines.push(format!("`{out}` is up to date ({} files, from `{shown}`)", files.len()));
            return Status::Ok;
        }
        report.lines.extend(drift.iter().map(|d| d.diff.clone()));
        report.lines.push(format!(
            "error: {} generated file(s) in `{out}` differ from the spec of `{shown}`; run `cargo xtask codegen` and commit the result",
            drift.len()
        ));
        return Status::Failed;
    }
    match generator::write::write(&out_dir, &files) {
        Ok(changed) if changed.is_empty() => {
            report.lines.push(format!("`{out}` is up to date ({} files, from `{shown}`)", files.len()));
        }
        Ok(changed) => {
            report.lines.extend(changed.iter().map(|path| format!("updated {}", display_path(&out_dir.join(path)))));
        }
        Err(e) => {
            report.lines.push(format!("error: cannot write to `{out}`: {e}"));
            return Status::Failed;
        }
    }
    Status::Ok
}

fn lint(args: &Args, report: &mut Report) -> Status {
    let root = workspace_root();
    let path = args.path.clone().unwrap_or_else(|| root.join("api/sync.yaml"));
    let inputs = generator::Inputs {
        overlays: args.overlays.clone(),
        root: args.root.clone(),
        example_refs: args.example_refs,
        ..Default::default()
    };
    if args.fix {
        return fix(args, &path, &inputs, report);
    }
    let checked = generator::lint_with(std::slice::from_ref(&path), &inputs, &mut report.diagnostics);
    if checked.is_some() && report.diagnostics.is_empty() && !args.json && !args.sarif {
        report.lines.push(format!("{}: no problems found", display_path(&path)));
    }
    Status::Ok
}

/// `lint --fix`: the diagnostics of the spec as given, and the overlay of their mechanical
/// fixes written to `-o FILE` or stdout.
fn fix(args: &Args, path: &Path, inputs: &generator::Inputs, report: &mut Report) -> Status {
    let Some(overlay) = generator::fix::fix(std::slice::from_ref(&path.to_path_buf()), inputs, &mut report.diagnostics)
    else {
        report.lines.push("error: no overlay written: the spec could not be linted".into());
        return Status::Failed;
    };
    match overlay.write(args.output.as_deref()) {
        Ok(written) => {
            report.lines.extend(written);
            Status::Ok
        }
        Err(line) => {
            report.lines.push(line);
            Status::Failed
        }
    }
}
