//! `cargo xtask`: a thin command line over the `generator` library.
//!
//! - `cargo xtask codegen [--check] [--config api/codegen.yaml]`
//! - `cargo xtask lint [PATH] [--overlay FILE]... [--root DIR] [--message-format human|json] [--deny-warnings]`

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use generator::{Config, Diagnostics};

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--config FILE] [--deny-warnings] [--message-format human|json]
  cargo xtask lint [PATH] [--overlay FILE]... [--root DIR] [--deny-warnings] [--message-format human|json]";

#[derive(Default)]
struct Args {
    command: String,
    check: bool,
    deny_warnings: bool,
    json: bool,
    config: Option<PathBuf>,
    path: Option<PathBuf>,
    overlays: Vec<PathBuf>,
    root: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args::default();
    let mut it = std::env::args().skip(1);
    args.command = it.next().ok_or("missing command")?;
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--check" => args.check = true,
            "--deny-warnings" => args.deny_warnings = true,
            "--config" => args.config = Some(it.next().ok_or("--config takes a file")?.into()),
            "--overlay" => args.overlays.push(it.next().ok_or("--overlay takes a file")?.into()),
            "--root" => args.root = Some(it.next().ok_or("--root takes a folder")?.into()),
            "--message-format" => match it.next().as_deref() {
                Some("json") => args.json = true,
                Some("human") => args.json = false,
                _ => return Err("--message-format takes `human` or `json`".into()),
            },
            other if !other.starts_with('-') && args.path.is_none() => args.path = Some(other.into()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

/// The workspace root, so the command works from any folder inside it.
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().map(PathBuf::from).unwrap_or_default()
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut diagnostics = Diagnostics::default();
    // The generator reports bad input as diagnostics; a panic is a bug, and is reported as one.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match args.command.as_str() {
        "codegen" => codegen(&args, &mut diagnostics),
        "lint" => lint(&args, &mut diagnostics),
        other => {
            eprintln!("error: unknown command `{other}`\n{USAGE}");
            Err(ExitCode::from(2))
        }
    }));
    let result = outcome.unwrap_or_else(|_| {
        eprintln!("error: internal error in the generator (a bug: please report it with the spec that caused it)");
        Err(ExitCode::from(101))
    });
    report(&args, &diagnostics);
    let denied = args.deny_warnings && diagnostics.has_warnings();
    match result {
        Ok(()) if diagnostics.has_errors() || denied => ExitCode::FAILURE,
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

fn report(args: &Args, diagnostics: &Diagnostics) {
    if diagnostics.is_empty() {
        return;
    }
    if args.json {
        print!("{}", diagnostics.render_json());
    } else {
        eprint!("{}", diagnostics.render(std::io::stderr().is_terminal()));
    }
}

fn codegen(args: &Args, diagnostics: &mut Diagnostics) -> Result<(), ExitCode> {
    let root = workspace_root();
    let config_path = args.config.clone().unwrap_or_else(|| root.join("api/codegen.yaml"));
    let config = Config::load(&config_path).map_err(|d| {
        diagnostics.push(*d);
        ExitCode::FAILURE
    })?;
    let files = generator::run(&config, diagnostics).ok_or(ExitCode::FAILURE)?;
    if args.deny_warnings && diagnostics.has_warnings() {
        return Err(ExitCode::FAILURE);
    }
    let out_dir = config.output_dir();
    if args.check {
        let drift = generator::write::check(&out_dir, &files);
        if drift.is_empty() {
            eprintln!("generated code is up to date ({} files)", files.len());
            return Ok(());
        }
        for d in &drift {
            eprintln!("{}", d.diff);
        }
        eprintln!(
            "error: {} generated file(s) differ from the spec; run `cargo xtask codegen` and commit the result",
            drift.len()
        );
        return Err(ExitCode::FAILURE);
    }
    match generator::write::write(&out_dir, &files) {
        Ok(changed) if changed.is_empty() => eprintln!("generated code is up to date ({} files)", files.len()),
        Ok(changed) => {
            for path in &changed {
                eprintln!("updated {}", out_dir.join(path).display());
            }
        }
        Err(e) => {
            eprintln!("error: cannot write to `{}`: {e}", out_dir.display());
            return Err(ExitCode::FAILURE);
        }
    }
    Ok(())
}

fn lint(args: &Args, diagnostics: &mut Diagnostics) -> Result<(), ExitCode> {
    let root = workspace_root();
    let path = args.path.clone().unwrap_or_else(|| root.join("api/sync.yaml"));
    let inputs = generator::Inputs { overlays: args.overlays.clone(), root: args.root.clone(), ..Default::default() };
    let checked = generator::check_with(std::slice::from_ref(&path), &inputs, diagnostics);
    if checked.is_some() && diagnostics.is_empty() && !args.json {
        eprintln!("{}: no problems found", generator::display_path(&path));
    }
    Ok(())
}
