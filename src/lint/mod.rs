//! The lint gate: the resolved [`Package`] checked, per format, against the
//! rules a packager can get wrong and that the model alone decides —
//! Debian policy / lintian, Fedora guidelines / rpmlint, Windows Installer
//! ICE-style checks and macOS installer limits.
//!
//! Runs after the manifest is resolved and the backends' own `validate`
//! accepted the package, before anything is written. It only reads the model
//! (and at most the first bytes of a file, for its interpreter line); it
//! never writes. Every rule is listed in [`rules::RULES`] and documented in
//! docs/lint.md.

mod control;
mod files;
pub mod gate;
mod layout;
mod platform;
pub mod rules;

use std::collections::BTreeMap;

use serde::Serialize;
use vitte_buildkit_formats::Package;

pub use gate::{lint_project, Gate};
pub use rules::{Level, Rule, RULES};

/// What the gate does with its findings (`--lint`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LintMode {
    /// Errors stop the build; warnings are reported (the default).
    #[default]
    Deny,
    /// Everything is reported, nothing stops the build.
    Warn,
    /// The gate does not run.
    Off,
}

impl LintMode {
    /// `deny`, `warn` or `off`.
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "deny" => Ok(Self::Deny),
            "warn" => Ok(Self::Warn),
            "off" => Ok(Self::Off),
            other => Err(format!(
                "--lint `{other}`: expected deny (errors stop the build), warn or off"
            )),
        }
    }
}

/// One rule broken by one package, for the formats it concerns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub level: Level,
    /// The requested formats the rule concerns, e.g. `["deb", "rpm"]`.
    pub formats: Vec<String>,
    /// The installed path concerned, if any.
    pub path: Option<String>,
    /// What is wrong and the fix.
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}] {} ({}): {}",
            self.rule,
            self.level,
            self.formats.join(", "),
            self.message
        )
    }
}

/// A rule broken, before it is matched with the requested formats.
pub(crate) struct Hit {
    pub rule: &'static str,
    /// Narrows the rule to these formats for this hit.
    pub only: Option<&'static [&'static str]>,
    pub path: Option<String>,
    pub message: String,
}

impl Hit {
    pub fn at(rule: &'static str, path: &str, message: String) -> Self {
        Self {
            rule,
            only: None,
            path: Some(path.to_string()),
            message: format!("{path}: {message}"),
        }
    }

    /// The same hit, for these formats only.
    pub fn only(mut self, formats: &'static [&'static str]) -> Self {
        self.only = Some(formats);
        self
    }

    pub fn package(rule: &'static str, message: String) -> Self {
        Self {
            rule,
            only: None,
            path: None,
            message,
        }
    }
}

/// Checks `package` for the given format ids (`deb`, `rpm`, `msi`, `pkg`,
/// …), leaving out the rules in `allow`. Findings are sorted: errors
/// first, then by rule and path.
pub fn check(package: &Package, formats: &[&str], allow: &[String]) -> Vec<Finding> {
    let mut hits = Vec::new();
    files::check(package, &mut hits);
    layout::check(package, &mut hits);
    control::check(package, &mut hits);
    if formats.contains(&"msi") {
        platform::check_msi(package, &mut hits);
    }
    if formats.contains(&"pkg") {
        platform::check_pkg(package, &mut hits);
    }
    let mut findings: BTreeMap<(Level, &str, Option<String>, String), Finding> = BTreeMap::new();
    for hit in hits {
        let Some(rule) = rules::find(hit.rule) else {
            continue;
        };
        if allow.iter().any(|a| a == rule.id) {
            continue;
        }
        for format in formats {
            let Some(level) = rule.level(format) else {
                continue;
            };
            if hit.only.is_some_and(|only| !only.contains(format)) {
                continue;
            }
            let key = (level, rule.id, hit.path.clone(), hit.message.clone());
            findings
                .entry(key)
                .or_insert_with(|| Finding {
                    rule: rule.id,
                    level,
                    formats: Vec::new(),
                    path: hit.path.clone(),
                    message: hit.message.clone(),
                })
                .formats
                .push(format.to_string());
        }
    }
    findings.into_values().collect()
}

/// Checks that every id in `[lint] allow` names a rule.
pub fn check_allow(allow: &[String]) -> Result<(), String> {
    match allow.iter().find(|id| rules::find(id).is_none()) {
        Some(id) => Err(format!(
            "[lint] allow: `{id}` is not a lint rule; the rules are listed in docs/lint.md \
             and by `vitte-buildkit lint --list`"
        )),
        None => Ok(()),
    }
}

/// Findings of one rule shown in a build's output before the rest are
/// counted: a payload of thousands of files under /opt says it once.
pub const SHOWN_PER_RULE: usize = 5;

/// Splits findings into those to show (at most [`SHOWN_PER_RULE`] per rule
/// and level) and, per rule and level left out, how many were not shown.
pub fn capped(findings: &[Finding]) -> (Vec<&Finding>, Vec<(&'static str, Level, usize)>) {
    let mut counts: BTreeMap<(&str, Level), usize> = BTreeMap::new();
    let mut shown = Vec::new();
    for finding in findings {
        let n = counts.entry((finding.rule, finding.level)).or_default();
        *n += 1;
        if *n <= SHOWN_PER_RULE {
            shown.push(finding);
        }
    }
    let hidden = counts
        .into_iter()
        .filter(|(_, n)| *n > SHOWN_PER_RULE)
        .map(|((rule, level), n)| (rule, level, n - SHOWN_PER_RULE))
        .collect();
    (shown, hidden)
}

/// The error a build stops with when the gate found errors: one line each
/// (at most [`SHOWN_PER_RULE`] per rule).
pub fn errors_text(findings: &[Finding]) -> Option<String> {
    let errors: Vec<Finding> = findings
        .iter()
        .filter(|f| f.level == Level::Error)
        .cloned()
        .collect();
    if errors.is_empty() {
        return None;
    }
    let (shown, hidden) = capped(&errors);
    let mut lines: Vec<String> = shown.iter().map(|f| f.to_string()).collect();
    lines.extend(
        hidden
            .iter()
            .map(|(rule, _, n)| format!("[{rule}] … and {n} more like these")),
    );
    Some(format!(
        "the lint gate found {} error(s); fix them, or allow a rule with `[lint] allow = [\"id\"]`, \
         or pass `--lint warn`:\n{}",
        errors.len(),
        lines.join("\n")
    ))
}
