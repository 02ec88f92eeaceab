//! `specgen`: the generator's command line, a thin layer over the `generator` library.
//!
//! - `specgen generate <CONFIG|SPEC> [-o DIR]`: a crate from a config, or from a bare spec
//! - `specgen check [CONFIG|SPEC|DIR] [-o DIR]`: the crates on disk equal what generation gives
//! - `specgen lint <SPEC> [--overlay FILE]... [--message-format human|json|sarif] [--fix [-o FILE]]`:
//!   the spec's problems, and with `--fix` an overlay of their mechanical fixes
//! - `specgen init <SPEC> [-o CONFIG]`: a starter config for a spec

mod progress;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use generator::config::{ExampleRefs, CONFIG_SUFFIX};
use generator::diagnostics::could_not_generate;
use generator::{display_path, Config, Diagnostics};

const EXIT_CODES: &str = "\
Exit status:
  0    success: generated, in sync, or no errors found
  1    the spec or config has errors (or warnings, with --deny-warnings), a crate is out of
       sync, or a file cannot be read or written
  2    usage error: an unknown command or option, a missing or bad argument
  101  internal error in the generator (a bug: please report it with the spec)";

/// Generates a Rust crate (types, endpoints, an axum server, a reqwest client) from a
/// Swagger 2.0 or OpenAPI 3.x spec, and reports the spec's problems the way rustc does.
#[derive(Parser)]
#[command(name = "specgen", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a crate from a config (`NAME.codegen.yaml`) or a bare spec
    #[command(after_help = EXIT_CODES)]
    Generate(GenerateArgs),
    /// Check that generated crates on disk are what generation gives (writes nothing)
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Report a spec's problems, with file, line and column
    #[command(after_help = EXIT_CODES)]
    Lint(LintArgs),
    /// Write a starter config for a spec, commented, that `generate` accepts
    #[command(after_help = EXIT_CODES)]
    Init(InitArgs),
}

/// What `generate` and `check` share: which crate, and how it is made.
#[derive(Args)]
struct Target {
    /// The crate's folder (default: a config's `output:`, or the package name for a bare spec)
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// The `specgen-runtime` folder the crate depends on, when the config names no `runtime:`
    /// (default: the runtime this `specgen` was built from)
    #[arg(long, value_name = "DIR")]
    runtime_path: Option<PathBuf>,
    /// Fail on warnings too
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Args)]
struct GenerateArgs {
    /// A config (a file named `NAME.codegen.yaml`), or a spec for which a default config is made
    input: PathBuf,
    #[command(flatten)]
    target: Target,
}

#[derive(Args)]
struct CheckArgs {
    /// A config, a spec, or a folder whose configs are all checked
    #[arg(default_value = ".")]
    input: PathBuf,
    #[command(flatten)]
    target: Target,
}

#[derive(Args)]
struct LintArgs {
    /// The spec (its `$ref`s are followed)
    spec: PathBuf,
    /// An OpenAPI Overlay applied before linting (repeatable, applied in order)
    #[arg(long = "overlay", value_name = "FILE")]
    overlays: Vec<PathBuf>,
    /// The folder refs may not leave (default: the spec's folder)
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Whether a `$ref` inside an example value is data or a reference
    #[arg(long, value_enum, default_value_t = ExampleRefsArg::Literal)]
    example_refs: ExampleRefsArg,
    /// How diagnostics are printed
    #[arg(long, value_enum, default_value_t = MessageFormat::Human)]
    message_format: MessageFormat,
    /// Fail on warnings too
    #[arg(long)]
    deny_warnings: bool,
    /// Also write an OpenAPI Overlay 1.0 document of the mechanical fixes (to `-o FILE` or stdout)
    #[arg(long)]
    fix: bool,
    /// Where `--fix` writes its overlay (default: stdout)
    #[arg(short, long, value_name = "FILE", requires = "fix")]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct InitArgs {
    /// The spec the config names
    spec: PathBuf,
    /// The config to write (default: `<package name>.codegen.yaml` in the current folder)
    #[arg(short, long, value_name = "CONFIG")]
    output: Option<PathBuf>,
    /// Replace the config if it exists
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExampleRefsArg {
    Literal,
    Resolve,
}

/// How diagnostics are printed: each format is one arm of [`print_diagnostics`].
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum MessageFormat {
    /// Rendered like rustc, on stderr
    Human,
    /// One JSON object per line, on stdout
    Json,
    /// One SARIF 2.1.0 log, on stdout, for code scanning (printed even when empty)
    Sarif,
}

/// How a command ended, worst last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Status {
    Ok,
    Failed,
    Usage,
    Bug,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        match status {
            Status::Ok => ExitCode::SUCCESS,
            Status::Failed => ExitCode::FAILURE,
            Status::Usage => ExitCode::from(2),
            Status::Bug => ExitCode::from(101),
        }
    }
}

/// Writes a line to standard error. One that cannot be written (a closed pipe, a full disk)
/// is not a bug of the generator, as `eprintln!`'s panic would report it: the exit status
/// still tells the outcome.
macro_rules! tell {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// The allocator the generator runs best with (`generator::host`, decision 38).
#[global_allocator]
static ALLOCATOR: generator::host::Allocator = generator::host::Allocator;

fn main() -> ExitCode {
    generator::host::tune();
    // clap exits with 2 on a usage error, 0 after `--help`.
    let cli = Cli::parse();
    let status = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &cli.command {
        Command::Generate(args) => generate(args),
        Command::Check(args) => check(args),
        Command::Lint(args) => lint(args),
        Command::Init(args) => init(args),
    }))
    .unwrap_or_else(|_| {
        tell!("error: internal error in the generator (a bug: please report it with the spec that caused it)");
        Status::Bug
    });
    status.into()
}

/// Prints the diagnostics; whether what goes to standard output (SARIF, JSON lines) could be
/// written there (a closed pipe or a full disk is a failure to report, not a bug).
fn print_diagnostics(format: MessageFormat, diagnostics: &Diagnostics) -> bool {
    let out = match format {
        MessageFormat::Sarif => generator::sarif::render(diagnostics),
        MessageFormat::Json => diagnostics.render_json(),
        MessageFormat::Human => {
            if !diagnostics.is_empty() {
                let rendered = diagnostics.render(std::io::stderr().is_terminal());
                let _ = std::io::stderr().lock().write_all(rendered.as_bytes());
            }
            return true;
        }
    };
    if let Err(e) = std::io::stdout().lock().write_all(out.as_bytes()) {
        tell!("error: cannot write the diagnostics to standard output: {e}");
        return false;
    }
    true
}

/// Whether the diagnostics fail the command: errors, or warnings when denied.
fn failed(diagnostics: &Diagnostics, deny_warnings: bool) -> bool {
    diagnostics.has_errors() || deny_warnings && diagnostics.has_warnings()
}

/// Whether `input` is a config rather than a spec: by its name, `NAME.codegen.yaml`.
fn is_config(input: &Path) -> bool {
    input.file_name().is_some_and(|name| name.to_string_lossy().ends_with(CONFIG_SUFFIX))
}

/// The runtime this binary was built from: its sources stay where `cargo install --path cli`
/// found them.
fn own_runtime() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
    let dir = generator::config::normalize(&dir);
    dir.join("Cargo.toml").is_file().then_some(dir)
}

/// The config of a run: the file given, or a default one for a bare spec; `-o` over its
/// output, and the runtime by path when the config names none.
fn config_for(input: &Path, target: &Target, diagnostics: &mut Diagnostics) -> Option<Config> {
    let mut config = if is_config(input) {
        Config::load_into(input, diagnostics)?
    } else {
        let name = package_name(input);
        let mut config = Config::new(generator::config::absolute(input), PathBuf::from(&name), &name);
        config.base_dir = generator::config::absolute(Path::new("."));
        config
    };
    if let Some(output) = &target.output {
        config.output = generator::config::absolute(output);
    }
    // The generated files name the command that regenerates them, unless the config does: this
    // one, its paths shown from the folder holding the input and the crate (not from the
    // working folder, so `check` run from elsewhere finds the same files).
    if config.regenerate.is_none() {
        let out = generator::config::absolute(&config.output_dir());
        let input = generator::config::absolute(input);
        let root = generator::config::common_prefix(&out, &input);
        let shown = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
        let output = target.output.as_ref().map(|_| format!(" -o {}", shown(&out))).unwrap_or_default();
        config.regenerate = Some(format!("specgen generate {}{output}", shown(&input)));
    }
    if config.runtime.path.is_none() && config.runtime.version.is_none() {
        config.runtime.path = match &target.runtime_path {
            Some(path) => Some(generator::config::absolute(path)),
            None => own_runtime(),
        };
        if config.runtime.path.is_none() {
            tell!(
                "warning: the runtime `specgen` was built from (`{}/../runtime`) is gone, and `specgen-runtime` is not on crates.io: pass `--runtime-path DIR` or set `runtime:` in the config",
                env!("CARGO_MANIFEST_DIR")
            );
        }
    }
    Some(config)
}

/// A package name from the spec's `info.title` (`Swagger Petstore` → `swagger-petstore`),
/// else from its file name, else `api`.
fn package_name(spec: &Path) -> String {
    let title = spec_title(spec);
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned());
    for candidate in title.into_iter().chain(stem) {
        let ascii: String = candidate.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect();
        let name = heck::AsKebabCase(ascii.trim()).to_string();
        let name = name.trim_start_matches(|c: char| !c.is_ascii_alphabetic()).to_owned();
        if generator::config::check_package_name(&name).is_ok() {
            return name;
        }
    }
    "api".into()
}

/// The spec's `info.title` when it is a string, read by `serde` skipping everything else:
/// the run loads the spec again, with its spans and checks, and a large spec took twice as
/// long to load when its title was read the same way. A file `serde` cannot read has no
/// title here; the run reports what is wrong with it.
fn spec_title(spec: &Path) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Document {
        info: Option<Info>,
    }
    #[derive(serde::Deserialize)]
    struct Info {
        title: Option<String>,
    }
    let limit = generator::load::Limits::default().max_file_bytes;
    let bytes = generator::load::read_regular_file(spec, limit).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Read as the run reads it: a `.json` file as JSON, any other as YAML.
    let document: Document = if generator::load::is_json_file(spec) {
        serde_json::from_str(text).ok()?
    } else {
        serde_yaml::from_str(text).ok()?
    };
    document.info?.title
}

/// Runs the generator on `config`, with progress on a terminal; `None` (reported) on failure.
fn run(
    shown: &str,
    config: &Config,
    deny_warnings: bool,
    diagnostics: &mut Diagnostics,
) -> Option<Vec<generator::GeneratedFile>> {
    let files = {
        let _progress = progress::Progress::start(format!("generating from `{shown}`"));
        generator::run(config, diagnostics)
    };
    let _ = print_diagnostics(MessageFormat::Human, diagnostics);
    match files {
        Some(files) if !failed(diagnostics, deny_warnings) => Some(files),
        _ => {
            tell!("{}", could_not_generate(shown, diagnostics));
            None
        }
    }
}

fn generate(args: &GenerateArgs) -> Status {
    let shown = display_path(&args.input);
    let mut diagnostics = Diagnostics::default();
    let Some(config) = config_for(&args.input, &args.target, &mut diagnostics) else {
        let _ = print_diagnostics(MessageFormat::Human, &diagnostics);
        tell!("{}", could_not_generate(&shown, &diagnostics));
        return Status::Failed;
    };
    let Some(files) = run(&shown, &config, args.target.deny_warnings, &mut diagnostics) else {
        return Status::Failed;
    };
    let out_dir = config.output_dir();
    let out = display_path(&out_dir);
    match generator::write::write(&out_dir, &files) {
        Ok(changed) if changed.is_empty() => tell!("`{out}` is up to date ({} files, from `{shown}`)", files.len()),
        Ok(changed) => {
            tell!("generated `{out}` from `{shown}` ({} of {} files written)", changed.len(), files.len())
        }
        Err(e) => {
            tell!("error: cannot write to `{out}`: {e}");
            return Status::Failed;
        }
    }
    Status::Ok
}

fn check(args: &CheckArgs) -> Status {
    let inputs = if args.input.is_dir() {
        match generator::config::configs(&args.input) {
            Ok(paths) if paths.is_empty() => {
                tell!("error: no config in `{}`: a config is named `NAME{CONFIG_SUFFIX}`", args.input.display());
                return Status::Failed;
            }
            Ok(paths) => paths,
            Err(e) => {
                tell!("error: cannot read `{}`: {e}", args.input.display());
                return Status::Failed;
            }
        }
    } else {
        vec![args.input.clone()]
    };
    let mut worst = Status::Ok;
    for input in &inputs {
        worst = worst.max(check_one(input, &args.target));
    }
    worst
}

fn check_one(input: &Path, target: &Target) -> Status {
    let shown = display_path(input);
    let mut diagnostics = Diagnostics::default();
    let Some(config) = config_for(input, target, &mut diagnostics) else {
        let _ = print_diagnostics(MessageFormat::Human, &diagnostics);
        tell!("{}", could_not_generate(&shown, &diagnostics));
        return Status::Failed;
    };
    let Some(files) = run(&shown, &config, target.deny_warnings, &mut diagnostics) else {
        return Status::Failed;
    };
    let out_dir = config.output_dir();
    let out = display_path(&out_dir);
    let drift = generator::write::check(&out_dir, &files);
    if drift.is_empty() {
        tell!("`{out}` is up to date ({} files, from `{shown}`)", files.len());
        return Status::Ok;
    }
    for d in &drift {
        tell!("{}", d.diff);
    }
    tell!("error: {} generated file(s) in `{out}` differ from `{shown}`; run `specgen generate {shown}`", drift.len());
    Status::Failed
}

fn lint(args: &LintArgs) -> Status {
    let inputs = generator::Inputs {
        overlays: args.overlays.clone(),
        root: args.root.clone(),
        example_refs: match args.example_refs {
            ExampleRefsArg::Literal => ExampleRefs::Literal,
            ExampleRefsArg::Resolve => ExampleRefs::Resolve,
        },
        ..Default::default()
    };
    if args.fix && args.output.is_none() && args.message_format != MessageFormat::Human {
        tell!("error: `--fix` writes the overlay to stdout, where this message format also writes: add `-o FILE`");
        return Status::Usage;
    }
    let mut diagnostics = Diagnostics::default();
    let spec = std::slice::from_ref(&args.spec);
    let (checked, overlay) = {
        let _progress = progress::Progress::start(format!("linting `{}`", display_path(&args.spec)));
        if args.fix {
            // The fix runs the same passes, so its diagnostics are lint's own.
            let overlay = generator::fix::fix(spec, &inputs, &mut diagnostics);
            (overlay.is_some(), overlay)
        } else {
            (generator::lint_with(spec, &inputs, &mut diagnostics).is_some(), None)
        }
    };
    if !print_diagnostics(args.message_format, &diagnostics) {
        return Status::Failed;
    }
    if args.fix {
        let Some(overlay) = overlay else {
            tell!("error: no overlay written: the spec could not be linted");
            return Status::Failed;
        };
        match overlay.write(args.output.as_deref()) {
            Ok(written) => written.iter().for_each(|line| tell!("{line}")),
            Err(line) => {
                tell!("{line}");
                return Status::Failed;
            }
        }
    }
    if checked && diagnostics.is_empty() && args.message_format == MessageFormat::Human {
        tell!("{}: no problems found", display_path(&args.spec));
    }
    if failed(&diagnostics, args.deny_warnings) {
        Status::Failed
    } else {
        Status::Ok
    }
}

fn init(args: &InitArgs) -> Status {
    let name = package_name(&args.spec);
    let path = args.output.clone().unwrap_or_else(|| PathBuf::from(format!("{name}{CONFIG_SUFFIX}")));
    let shown = display_path(&path);
    if !is_config(&path) {
        tell!("error: `{shown}` is not named like a config: `generate` takes a config named `NAME{CONFIG_SUFFIX}`");
        return Status::Failed;
    }
    if path.exists() && !args.force {
        tell!("error: `{shown}` exists; pass `--force` to replace it");
        return Status::Failed;
    }
    if !args.spec.is_file() {
        tell!("error: cannot read the spec `{}`: no such file", display_path(&args.spec));
        return Status::Failed;
    }
    let config_dir = generator::config::absolute(&path).parent().map(Path::to_path_buf).unwrap_or_default();
    let spec = generator::config::relative_path(&config_dir, &generator::config::absolute(&args.spec));
    let text = starter_config(&spec.to_string_lossy().replace('\\', "/"), &name, &path);
    if let Err(e) = std::fs::write(&path, text) {
        tell!("error: cannot write `{shown}`: {e}");
        return Status::Failed;
    }
    tell!("wrote `{shown}`; next: `specgen generate {shown}`");
    Status::Ok
}

/// A config naming `spec` (relative to the config's folder), with every other setting shown,
/// commented, at its default.
fn starter_config(spec: &str, name: &str, path: &Path) -> String {
    // Quoted as JSON strings, which YAML reads alike: a path or name is never taken for a
    // number, a boolean or `null`.
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    format!(
        "\
# A specgen config, written by `specgen init`. Generate the crate with
#   specgen generate {file}
# and check it is up to date (in CI) with `specgen check {file}`.
# Paths are relative to this file.

# The spec: Swagger 2.0, OpenAPI 3.0 or 3.1, YAML or JSON; its `$ref`s are followed.
# A list of several root documents makes one crate.
spec: {spec}

# OpenAPI Overlay 1.0 documents applied in order: fix the spec without editing it.
# overlays:
#   - overlays/fixes.yaml

# The folder of the generated crate (written, and swept of stale generated files).
output: {name}

package:
  name: {name}
  version: \"0.1.0\"
  # description: \"What the crate is for\"

# Error bodies the server writes and the client reads: `problem` (RFC 9457, the default)
# or `matrix` (`{{\"errcode\", \"error\"}}`).
# errors:
#   format: problem

# The `specgen-runtime` the crate depends on. Left out: the runtime `specgen` was built
# from, by path. Give a folder (relative to this file) or a version.
# runtime:
#   path: ../specgen/runtime

# The folder `$ref`s may not leave (default: the spec's folder).
# root: .

# String enums refuse values the spec does not list (default: `open`, kept in `Other`).
# enums: closed

# A string format's Rust type: string, bytes, chrono, int_or_string.
# formats:
#   date-time: chrono

# Type names chosen by hand, by generated name or by place (`file#/json/pointer`).
# names:
#   GeneratedName: BetterName

# Whether `$ref`s inside example values are references (`resolve`) or data (`literal`).
# examples:
#   refs: literal
",
        spec = quote(spec),
        name = quote(name),
    )
}
