//! The lint gate measured against the real linters. Every case under
//! tests/lint_corpus/ is a manifest with one deliberate mistake and
//! `# expect: LINTER LEVEL:TAG RULE` lines. Each is built with `--lint off`
//! as .deb and .rpm; lintian and rpmlint judge them; then, per line, (a) the
//! real linter reports the tag (beyond what it says of the clean `base`
//! case), and (b) `vitte-buildkit lint` reports the rule for that format,
//! and the rule lists the tag in its table. And the gate never stops a
//! package the linter accepts: every error it reports for a format comes
//! with an error from that format's linter. The examples in examples/ are
//! held to the same standard.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use common::*;
use serde_json::Value;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lint_corpus")
}

/// One `# expect:` line.
#[derive(Debug)]
struct Expect {
    linter: String,
    tag: String,
    rule: String,
}

fn expectations(manifest: &Path) -> Vec<Expect> {
    std::fs::read_to_string(manifest)
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(
                parts.len(),
                3,
                "{}: bad expect line `{l}`",
                manifest.display()
            );
            Expect {
                linter: parts[0].into(),
                tag: parts[1].into(),
                rule: parts[2].into(),
            }
        })
        .collect()
}

/// `E:tag` / `W:tag` lines of lintian (`E: pkg: tag …`) or rpmlint
/// (`pkg.arch: E: tag …`) output.
fn tags(output: &str) -> BTreeSet<String> {
    output
        .lines()
        .filter_map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            let at = words.iter().position(|w| *w == "E:" || *w == "W:")?;
            let tag = if words[0].ends_with(':') && at == 0 {
                words.get(2)?
            } else {
                words.get(at + 1)?
            };
            Some(format!("{}{tag}", words[at]))
        })
        .collect()
}

/// What lintian and rpmlint say of one case, and what the gate says.
struct Judged {
    lintian: BTreeSet<String>,
    rpmlint: BTreeSet<String>,
    /// (rule, format, level) the gate reported.
    gate: BTreeSet<(String, String, String)>,
}

fn judge(case: &Path, out: &Path) -> Judged {
    let manifest = case.join("buildkit.toml");
    run_ok(
        buildkit()
            .args([
                "package",
                "--lint",
                "off",
                "-q",
                "-f",
                "deb,rpm",
                "-t",
                "x86_64-linux",
                "--manifest",
            ])
            .arg(&manifest)
            .arg("--out")
            .arg(out),
    );
    let artifact = |ext: &str| {
        std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == ext))
            .unwrap_or_else(|| panic!("no .{ext} in {}", out.display()))
    };
    let lintian = run(tool("lintian")
        .args(["--tag-display-limit", "0"])
        .arg(artifact("deb")));
    let rpmlint = run(tool("rpmlint").arg(artifact("rpm")));
    let gate = run(buildkit()
        .args([
            "lint",
            "-f",
            "deb,rpm",
            "-t",
            "x86_64-linux",
            "--message-format",
            "json",
            "--manifest",
        ])
        .arg(&manifest));
    Judged {
        lintian: tags(&text(&lintian.stdout)),
        rpmlint: tags(&text(&rpmlint.stdout)),
        gate: gate_findings(&text(&gate.stdout)),
    }
}

fn gate_findings(json_lines: &str) -> BTreeSet<(String, String, String)> {
    let mut found = BTreeSet::new();
    for line in json_lines.lines() {
        let v: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        if v["reason"] != "lint" {
            continue;
        }
        for format in v["formats"].as_array().unwrap() {
            found.insert((
                v["rule"].as_str().unwrap().to_string(),
                format.as_str().unwrap().to_string(),
                v["level"].as_str().unwrap().to_string(),
            ));
        }
    }
    found
}

/// Rule id → (lintian tags, rpmlint tags), from `lint --list`.
fn rule_table() -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let out = run_ok(buildkit().args(["lint", "--list", "--message-format", "json"]));
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect()
    };
    text(&out.stdout)
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let rule = &v["rule"];
            (
                rule["id"].as_str().unwrap().to_string(),
                (strings(&rule["lintian"]), strings(&rule["rpmlint"])),
            )
        })
        .collect()
}

#[test]
fn the_gate_catches_what_lintian_and_rpmlint_report_in_the_corpus() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("buildkit.toml").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 41, "the corpus holds {} cases", cases.len());
    let scratch = tempfile::tempdir().unwrap();
    let judged: Mutex<BTreeMap<String, Judged>> = Mutex::new(BTreeMap::new());
    let next = Mutex::new(cases.iter());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| loop {
                let Some(case) = next.lock().unwrap().next() else {
                    break;
                };
                let name = case.file_name().unwrap().to_string_lossy().into_owned();
                let result = judge(case, &scratch.path().join(&name));
                judged.lock().unwrap().insert(name, result);
            });
        }
    });
    let judged = judged.into_inner().unwrap();
    let table = rule_table();
    let base = &judged["base"];
    let lintian_errors = |j: &Judged| j.lintian.iter().any(|t| t.starts_with("E:"));
    assert!(
        base.lintian.is_empty(),
        "the base case is not clean for lintian: {:?}",
        base.lintian
    );
    assert!(
        base.gate.is_empty(),
        "the gate reports the base case: {:?}",
        base.gate
    );
    let mut failures = Vec::new();
    let mut report = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let j = &judged[&name];
        let expects = expectations(&case.join("buildkit.toml"));
        assert!(
            name == "base" || !expects.is_empty(),
            "{name} expects nothing"
        );
        for e in &expects {
            let (said, base_said, format) = match e.linter.as_str() {
                "lintian" => (&j.lintian, &base.lintian, "deb"),
                _ => (&j.rpmlint, &base.rpmlint, "rpm"),
            };
            let real = said.contains(&e.tag) && !base_said.contains(&e.tag);
            let caught = j
                .gate
                .iter()
                .any(|(rule, f, _)| *rule == e.rule && f == format);
            let (lintian, rpmlint) = table.get(&e.rule).cloned().unwrap_or_default();
            let listed = [lintian, rpmlint]
                .concat()
                .contains(&e.tag[2..].to_string());
            report.push(format!(
                "{name}: {} {} -> {} {}",
                e.linter,
                e.tag,
                e.rule,
                if caught { "caught" } else { "MISSED" }
            ));
            if !(real && caught && listed) {
                failures.push(format!(
                    "{name}: {} {} (reported: {real}) / rule {} for {format} (reported: {caught}, lists the tag: {listed}); {} said {said:?}, the gate {:?}",
                    e.linter, e.tag, e.rule, e.linter, j.gate
                ));
            }
        }
        for (rule, format, level) in &j.gate {
            let real_error = match format.as_str() {
                "deb" => lintian_errors(j),
                _ => j
                    .rpmlint
                    .difference(&base.rpmlint)
                    .any(|t| t.starts_with("E:")),
            };
            if level == "error" && !real_error {
                failures.push(format!(
                    "{name}: the gate stops {format} with {rule}, but its linter reports no error"
                ));
            }
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_examples_pass_the_gate_unless_the_real_linter_rejects_them_too() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let scratch = tempfile::tempdir().unwrap();
    for example in ["hello", "hello-daemon", "vitte-compiler"] {
        let manifest = root.join(example).join("buildkit.toml");
        let gate = run(buildkit()
            .args([
                "lint",
                "-f",
                "deb,rpm,msi,pkg,tar.gz",
                "-t",
                "x86_64-linux,x86_64-windows,universal-macos",
                "--message-format",
                "json",
                "--manifest",
            ])
            .arg(&manifest));
        let findings = gate_findings(&text(&gate.stdout));
        let errors: Vec<_> = findings.iter().filter(|(_, _, l)| l == "error").collect();
        if errors.is_empty() {
            assert!(gate.status.success(), "{example}: {}", text(&gate.stderr));
            continue;
        }
        let out = scratch.path().join(example);
        run_ok(
            buildkit()
                .args([
                    "package",
                    "--lint",
                    "off",
                    "-q",
                    "-f",
                    "deb,rpm",
                    "-t",
                    "x86_64-linux",
                    "--manifest",
                ])
                .arg(&manifest)
                .arg("--out")
                .arg(&out),
        );
        for (rule, format, _) in errors {
            let file = std::fs::read_dir(&out)
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.extension().is_some_and(|x| x == format.as_str()))
                .unwrap_or_else(|| {
                    panic!("{example}: the gate stops {format} ({rule}), which was not built")
                });
            let said = match format.as_str() {
                "deb" => tags(&text(&run(tool("lintian").arg(&file)).stdout)),
                _ => tags(&text(&run(tool("rpmlint").arg(&file)).stdout)),
            };
            assert!(
                said.iter().any(|t| t.starts_with("E:") && t != "E:no-signature"),
                "{example}: the gate stops {format} with {rule}, but its linter reports no error: {said:?}"
            );
        }
    }
    let hello = run(buildkit()
        .args(["lint", "-f", "deb,rpm", "-t", "x86_64-linux", "--manifest"])
        .arg(root.join("hello/buildkit.toml")));
    assert!(hello.status.success(), "{}", text(&hello.stdout));
}
