//! The hostile-spec suite: every case under `tests/hostile/<case>/` runs the real command line
//! (`xtask lint …` or `xtask codegen --config … [--check]`) in a child process, with a memory
//! cap, a timeout, and a fresh copy of the case in a temporary folder.
//!
//! A case is a folder with a `case.txt` and the files it needs:
//!
//! ```text
//! # what the case covers, and what issue #8 requires of it
//! run: lint spec.yaml                 # the arguments, split on spaces; `$CASE` is the copy's path
//! cwd: api                            # optional: where to run, relative to the copy
//! setup: fifo defs/pipe.yaml          # optional, repeatable: what git cannot hold
//! setup: link defs/zero.yaml /dev/zero
//! setup: sparse defs/huge.yaml 8589934592
//! setup: nest spec.yaml block-seq 20000
//! assert: out/src/types.rs !~ pub type M = BTreeMap<String, M>;
//! assert: out/Cargo.toml exists
//! ```
//!
//! Beside the copy lies `outside/`, a folder that is not part of the spec tree: `secret.txt`
//! and `s.yaml` hold the marker [`SECRET`], `victim/keep.rs` is a file a sweep must not
//! delete. `@OUTSIDE@` in any text file of the case is replaced by its absolute path.
//!
//! What a case gives (exit code, each diagnostic with its code and `file:line:col`, the files
//! generated, each assertion) is compared with its blessed `expected.txt`; re-bless with
//! `HOSTILE_BLESS=1`. Beyond that, hard invariants hold for every case: no exit by a signal,
//! no exit code 101 (a panic), done within the timeout, every error about a file located,
//! nothing written on failure, nothing outside the copy's output folder touched, and no
//! content of a file outside the tree in the output. A case that breaks an invariant today
//! (the bugs of issue #8, being fixed) is listed in `tests/hostile/KNOWN-VIOLATIONS.txt`;
//! the list is checked both ways, so a fixed case must be taken off it.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The marker every file outside the spec tree holds; it must never reach the output.
const SECRET: &str = "HOSTILE-SECRET-MARKER-51c7";
/// A line of `/etc/passwd` every Linux machine has.
const PASSWD: &str = "root:x:0:0";
const TIMEOUT: Duration = Duration::from_secs(6);
/// The child's address-space cap, in KiB.
const MEMORY_KIB: u64 = 1024 * 1024;
const WORKERS: usize = 2;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask/ has a parent").to_path_buf()
}

fn cases_dir() -> PathBuf {
    root().join("tests/hostile")
}

#[derive(Debug, Default)]
struct Case {
    name: String,
    dir: PathBuf,
    run: Vec<String>,
    cwd: Option<String>,
    setup: Vec<Vec<String>>,
    asserts: Vec<String>,
    /// `format: human`: diagnostics rendered for people (on stderr), not as JSON lines.
    human: bool,
}

fn read_case(dir: &Path) -> Case {
    let name = dir.file_name().unwrap_or_default().to_string_lossy().into_owned();
    let text = std::fs::read_to_string(dir.join("case.txt")).unwrap_or_else(|e| panic!("{name}/case.txt: {e}"));
    let mut case = Case { name: name.clone(), dir: dir.to_path_buf(), ..Case::default() };
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (key, value) = line.split_once(':').unwrap_or_else(|| panic!("{name}/case.txt: bad line `{line}`"));
        let value = value.trim();
        match key.trim() {
            "run" => case.run = value.split_whitespace().map(str::to_owned).collect(),
            "cwd" => case.cwd = Some(value.to_owned()),
            "setup" => case.setup.push(value.split_whitespace().map(str::to_owned).collect()),
            "assert" => case.asserts.push(value.to_owned()),
            "format" => case.human = value == "human",
            other => panic!("{name}/case.txt: unknown key `{other}`"),
        }
    }
    assert!(!case.run.is_empty(), "{name}/case.txt has no `run:`");
    case
}

fn copy_tree(from: &Path, to: &Path, outside: &Path) {
    std::fs::create_dir_all(to).expect("temp dir");
    for entry in std::fs::read_dir(from).expect("case folder").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        let meta = std::fs::symlink_metadata(&path).expect("metadata");
        if meta.is_dir() {
            copy_tree(&path, &target, outside);
        } else if entry.file_name() != "expected.txt" && entry.file_name() != "case.txt" {
            let bytes = std::fs::read(&path).expect("case file");
            let bytes = match String::from_utf8(bytes) {
                Ok(text) => text.replace("@OUTSIDE@", &outside.display().to_string()).into_bytes(),
                Err(e) => e.into_bytes(),
            };
            std::fs::write(&target, bytes).expect("copy");
        }
    }
}

fn setup(case: &Case, copy: &Path, outside: &Path) {
    for step in &case.setup {
        let path = |i: usize| copy.join(&step[i]);
        let target = |s: &str| s.replace("@OUTSIDE@", &outside.display().to_string());
        if let Some(parent) = path(1).parent() {
            std::fs::create_dir_all(parent).expect("setup dir");
        }
        match step[0].as_str() {
            "fifo" => {
                let status = Command::new("mkfifo").arg(path(1)).status().expect("mkfifo runs");
                assert!(status.success(), "{}: mkfifo failed", case.name);
            }
            "link" => std::os::unix::fs::symlink(target(&step[2]), path(1)).expect("symlink"),
            "sparse" => {
                let file = std::fs::File::create(path(1)).expect("sparse file");
                file.set_len(step[2].parse().expect("a size")).expect("set_len");
            }
            "nest" => {
                let n: usize = step[3].parse().expect("a depth");
                let body = match step[2].as_str() {
                    "block-seq" => format!("{}x\n", "- ".repeat(n)),
                    "flow-seq" => format!("{}{}\n", "[".repeat(n), "]".repeat(n)),
                    "flow-map" => format!("{}x{}\n", "{a: ".repeat(n), "}".repeat(n)),
                    "block-map" => (0..n).map(|i| format!("{}a:\n", " ".repeat(i))).collect(),
                    "json-array" => format!("{}{}", "[".repeat(n), "]".repeat(n)),
                    "in-definitions" => format!(
                        "swagger: '2.0'\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ndefinitions:\n  D: {}x{}\n",
                        "[".repeat(n),
                        "]".repeat(n)
                    ),
                    other => panic!("{}: unknown nest kind `{other}`", case.name),
                };
                std::fs::write(path(1), body).expect("nest");
            }
            other => panic!("{}: unknown setup `{other}`", case.name),
        }
    }
}

/// Every file and link under `dir` (links not followed): path → what it is and holds.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            let relative = path.strip_prefix(base).unwrap_or(&path).to_path_buf();
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            let ft = meta.file_type();
            if ft.is_symlink() {
                out.insert(relative, format!("link {}", std::fs::read_link(&path).unwrap_or_default().display()));
            } else if ft.is_dir() {
                out.insert(relative, "dir".into());
                walk(base, &path, out);
            } else if ft.is_file() && meta.len() < 1 << 20 {
                out.insert(relative, format!("file {:?}", std::fs::read(&path).unwrap_or_default()));
            } else {
                out.insert(relative, format!("special {}", meta.len()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

struct Run {
    code: Option<i32>,
    signal: Option<i32>,
    timed_out: bool,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

fn execute(case: &Case, copy: &Path) -> Run {
    let args: Vec<String> = case.run.iter().map(|a| a.replace("$CASE", &copy.display().to_string())).collect();
    let cwd = case.cwd.as_ref().map_or(copy.to_path_buf(), |c| copy.join(c));
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEMORY_KIB}; exec \"$@\""))
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_xtask"))
        .args(&args)
        .args(if case.human { [].as_slice() } else { ["--message-format", "json"].as_slice() })
        .current_dir(&cwd)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xtask starts");
    // Drain the pipes on threads, so a chatty child never blocks on a full pipe.
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let out_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.by_ref().take(4 << 20).read_to_end(&mut buf);
        buf
    });
    let err_thread = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.by_ref().take(4 << 20).read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait after kill");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    use std::os::unix::process::ExitStatusExt;
    let stdout = String::from_utf8_lossy(&out_thread.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&err_thread.join().unwrap_or_default()).into_owned();
    Run { code: status.code(), signal: status.signal(), timed_out, stdout, stderr, elapsed }
}

/// Replaces what differs from machine to machine, and what must never be committed.
fn redact(text: &str, run_dir: &Path) -> String {
    let mut text = text.replace(&run_dir.display().to_string(), "$TMP");
    for secret in [SECRET, PASSWD] {
        text = text.replace(secret, "<SECRET>");
    }
    // Lines of `/etc/passwd` past the first.
    text.lines()
        .map(|l| if l.matches(':').count() >= 6 && l.contains("/bin/") { "<SECRET LINE>" } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

fn output_dir_of(case: &Case, copy: &Path) -> Option<PathBuf> {
    let i = case.run.iter().position(|a| a == "--config")?;
    let config_path = case.cwd.as_ref().map_or(copy.to_path_buf(), |c| copy.join(c)).join(&case.run[i + 1]);
    let config = std::fs::read_to_string(config_path).ok()?;
    let output = config.lines().find_map(|l| l.strip_prefix("output:"))?.trim().trim_matches('\'');
    // Relative to the config's folder, as the generator must read it.
    let base = copy.join(case.cwd.as_deref().unwrap_or(".")).join(&case.run[i + 1]);
    let base = base.parent()?.to_path_buf();
    Some(normalize(&base.join(output)))
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Checks one assertion: `PATH exists`, `PATH absent`, `PATH ~ TEXT`, `PATH !~ TEXT`.
/// `\n` in the text stands for a newline.
fn check_assert(assertion: &str, copy: &Path, outside: &Path) -> String {
    let unescaped = assertion.replace("\\n", "\n");
    let assertion_text = assertion;
    let assertion = unescaped.as_str();
    let resolve = |p: &str| {
        if let Some(rest) = p.strip_prefix("@OUTSIDE@/") {
            outside.join(rest)
        } else {
            copy.join(p)
        }
    };
    let verdict = if let Some(path) = assertion.strip_suffix(" exists") {
        std::fs::symlink_metadata(resolve(path)).is_ok()
    } else if let Some(path) = assertion.strip_suffix(" absent") {
        std::fs::symlink_metadata(resolve(path)).is_err()
    } else if let Some((path, text)) = assertion.split_once(" !~ ") {
        !std::fs::read_to_string(resolve(path)).unwrap_or_default().contains(text)
    } else if let Some((path, text)) = assertion.split_once(" ~ ") {
        std::fs::read_to_string(resolve(path)).unwrap_or_default().contains(text)
    } else {
        panic!("bad assertion `{assertion}`");
    };
    format!("assert {assertion_text}: {}", if verdict { "holds" } else { "FAILS" })
}

/// What a case gives: the text compared with `expected.txt`, and the invariants it breaks.
fn run_case(case: &Case, base: &Path) -> (String, Vec<String>) {
    let run_dir = base.join(&case.name);
    let copy = run_dir.join("case");
    let outside = run_dir.join("outside");
    std::fs::create_dir_all(outside.join("victim")).expect("outside");
    std::fs::write(outside.join("secret.txt"), format!("{SECRET}: [unclosed\n")).expect("secret");
    std::fs::write(
        outside.join("s.yaml"),
        format!("type: object\ntitle: Outside\ndescription: {SECRET}\nproperties:\n  leaked: {{type: string}}\n"),
    )
    .expect("outside schema");
    std::fs::write(outside.join("victim/keep.rs"), format!("// {SECRET}: not generated, never delete\n"))
        .expect("victim");
    copy_tree(&case.dir, &copy, &outside);
    setup(case, &copy, &outside);
    let output_dir = output_dir_of(case, &copy);
    let before = snapshot(&run_dir);
    let run = execute(case, &copy);
    let after = snapshot(&run_dir);

    let mut lines = Vec::new();
    let mut violations = Vec::new();
    // A timeout and a kill by the memory cap race each other (an alias bomb may hit either
    // first), so the blessed text names them together; the failure message says which.
    match (run.timed_out, run.code) {
        (false, Some(code)) => lines.push(format!("exit: {code}")),
        _ => {
            lines.push("outcome: did not exit by itself".to_owned());
            let how = if run.timed_out {
                format!("timed out after {TIMEOUT:?}")
            } else {
                format!("killed by signal {} after {:?}", run.signal.unwrap_or(0), run.elapsed)
            };
            eprintln!("hostile case `{}`: {how}", case.name);
            violations
                .push("did not exit by itself: timed out, or killed by a signal (memory cap, stack overflow)".into());
        }
    }
    if run.code == Some(101) {
        violations.push("exit code 101: a panic".into());
    }
    let mut diagnostics = Vec::new();
    for line in run.stdout.lines() {
        let Ok(d) = serde_json::from_str::<serde_json::Value>(line) else {
            diagnostics.push(format!("stdout: {}", line.chars().take(200).collect::<String>()));
            continue;
        };
        let location = &d["location"];
        let place = if location.is_null() {
            "(no location)".to_owned()
        } else {
            format!("{}:{}:{}", location["file"].as_str().unwrap_or(""), location["line"], location["column"])
        };
        let message: String = d["message"].as_str().unwrap_or("").chars().take(160).collect();
        let message = if [SECRET, PASSWD].iter().any(|s| message.contains(s)) {
            "<a message holding the content of a file outside the tree>".to_owned()
        } else {
            message
        };
        diagnostics.push(format!(
            "{} {} {place} {message}",
            d["severity"].as_str().unwrap_or(""),
            d["code"].as_str().unwrap_or("")
        ));
        let given = case.run.iter().any(|a| message.contains(a.as_str()) && a.contains('.'));
        if d["severity"] == "error" && location.is_null() && !given {
            violations.push(format!("an error without a location: `{message}`"));
        }
    }
    lines.extend(diagnostics);
    // The first line of stderr that is not progress, for panics and write errors.
    for line in run.stderr.lines() {
        if let Some((_, at)) = line.split_once("panicked at ") {
            // The file only: its line numbers move with every edit.
            let file = at.split(':').next().unwrap_or(at);
            // A dependency's file without the registry's path on this machine.
            let file = file.find("index.crates.io-").and_then(|i| file[i..].split_once('/')).map_or(file, |(_, f)| f);
            lines.push(format!("stderr: panicked in {file}"));
        } else if line.starts_with("error") || (case.human && (line.starts_with("warning") || line.contains("--> "))) {
            lines.push(format!("stderr: {}", line.chars().take(200).collect::<String>()));
        }
    }

    // What changed on disk.
    let changed: BTreeSet<&PathBuf> = before
        .iter()
        .filter(|(p, v)| after.get(*p) != Some(v))
        .map(|(p, _)| p)
        .chain(after.keys().filter(|p| !before.contains_key(*p)))
        .collect();
    let out_rel = output_dir.as_ref().and_then(|o| o.strip_prefix(&run_dir).ok().map(Path::to_path_buf));
    let mut written = Vec::new();
    for path in &changed {
        let inside_output = out_rel.as_ref().is_some_and(|o| path.starts_with(o));
        let state = if after.contains_key(*path) { "written" } else { "deleted" };
        if !inside_output {
            violations.push(format!("{state} outside the output folder: {}", path.display()));
        } else if run.code != Some(0) {
            violations.push(format!("{state} although the run failed: {}", path.display()));
        }
        if after.get(*path).is_some_and(|v| v.starts_with("file")) {
            written.push(run_dir.join(path));
        }
    }
    let files = changed.iter().filter(|p| after.get(**p).is_some_and(|v| v.starts_with("file"))).count();
    if let Some(out) = &out_rel {
        lines.push(format!("output {}: {files} files written", out.display()));
    }
    for path in changed.iter().filter(|p| !after.contains_key(**p)) {
        lines.push(format!("deleted: {}", path.display()));
    }
    // Content from outside the tree must not reach the output.
    let mut leaked_into = Vec::new();
    if run.stdout.contains(SECRET)
        || run.stderr.contains(SECRET)
        || run.stdout.contains(PASSWD)
        || run.stderr.contains(PASSWD)
    {
        leaked_into.push("the diagnostics".to_owned());
    }
    for path in &written {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.contains(SECRET) || text.contains(PASSWD) || text.contains("Outside") {
            leaked_into.push(path.strip_prefix(&run_dir).unwrap_or(path).display().to_string());
        }
    }
    for place in leaked_into {
        violations.push(format!("content of a file outside the tree appears in {place}"));
    }
    for assertion in &case.asserts {
        lines.push(check_assert(assertion, &copy, &outside));
    }
    for v in &violations {
        lines.push(format!("violation: {v}"));
    }
    // Leave nothing behind: FIFOs and sparse files included.
    let _ = std::fs::remove_dir_all(&run_dir);
    let text = redact(&lines.join("\n"), &run_dir) + "\n";
    (text, violations)
}

/// A line diff (longest common subsequence), `-` expected, `+` actual.
fn diff(expected: &str, actual: &str) -> String {
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("   {}\n", a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push_str(&format!("  -{}\n", a[i]));
            i += 1;
        } else {
            out.push_str(&format!("  +{}\n", b[j]));
            j += 1;
        }
    }
    out
}

fn known_violations() -> BTreeSet<String> {
    let text = std::fs::read_to_string(cases_dir().join("KNOWN-VIOLATIONS.txt")).unwrap_or_default();
    text.lines().map(|l| l.split('#').next().unwrap_or("").trim().to_owned()).filter(|l| !l.is_empty()).collect()
}

#[test]
fn hostile_specs() {
    let mut dirs: Vec<PathBuf> = Vec::new();
    for group in ["", "found"] {
        let Ok(entries) = std::fs::read_dir(cases_dir().join(group)) else { continue };
        dirs.extend(entries.flatten().map(|e| e.path()).filter(|p| p.join("case.txt").is_file()));
    }
    dirs.sort();
    assert!(dirs.len() >= 60, "only {} hostile cases", dirs.len());
    let cases: Vec<Case> = dirs.iter().map(|d| read_case(d)).collect();
    let base = std::env::temp_dir().join(format!("hostile-{}", std::process::id()));
    let bless = std::env::var_os("HOSTILE_BLESS").is_some();
    let results = Mutex::new(BTreeMap::new());
    let next = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| loop {
                let i = {
                    let mut n = next.lock().expect("lock");
                    *n += 1;
                    *n - 1
                };
                let Some(case) = cases.get(i) else { break };
                let result = run_case(case, &base);
                results.lock().expect("lock").insert(case.name.clone(), result);
            });
        }
    });
    let _ = std::fs::remove_dir_all(&base);
    let results = results.into_inner().expect("lock");
    let known = known_violations();
    let mut failures = Vec::new();
    let mut violating = BTreeSet::new();
    for case in &cases {
        let (actual, violations) = &results[&case.name];
        let expected_path = case.dir.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, actual).expect("bless");
        } else {
            let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
            if &expected != actual {
                failures.push(format!(
                    "case `{}` differs from its expected.txt:\n{}",
                    case.name,
                    diff(&expected, actual)
                ));
            }
        }
        if !violations.is_empty() {
            violating.insert(case.name.clone());
            if !known.contains(&case.name) {
                failures.push(format!("case `{}` breaks a hard invariant:\n  {}", case.name, violations.join("\n  ")));
            }
        }
    }
    for name in known.difference(&violating) {
        failures.push(format!(
            "case `{name}` breaks no invariant any more: take it off tests/hostile/KNOWN-VIOLATIONS.txt"
        ));
    }
    eprintln!("{} hostile cases; {} break an invariant today:", cases.len(), violating.len());
    for name in &violating {
        eprintln!("  {name}");
    }
    assert!(
        failures.is_empty(),
        "{} problems (re-bless with HOSTILE_BLESS=1):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
