//! `vitte-buildkit diff OLD NEW`: what upgrading from one artifact to the
//! other does, printed like debdiff (human) or as one JSON object; exit 1
//! when a finding reaches `--fail-on`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;
use serde_json::json;

use super::{MessageFormat, OutputArgs};
use crate::diff::snapshot::{FileInfo, FileType};
use crate::diff::Report;
use crate::lint::Level;

/// The lowest level that fails the command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Warning,
    Error,
}

impl FailOn {
    pub fn fails(self, report: &Report) -> bool {
        matches!(
            (self, report.worst()),
            (_, Some(Level::Error)) | (FailOn::Warning, Some(Level::Warning))
        )
    }
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The artifact users have installed (.deb, .rpm, .msi, .pkg or a tar archive).
    old: PathBuf,
    /// The artifact of the new release, of the same format.
    new: PathBuf,
    /// Exit 1 when a finding reaches this level.
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    #[command(flatten)]
    output: OutputArgs,
}

pub fn run(args: DiffArgs) -> ExitCode {
    let report = match crate::diff::diff(&args.old, &args.new) {
        Ok(report) => report,
        Err(e) => return args.output.reporter().finish(Err(&e)),
    };
    let mut out = std::io::stdout().lock();
    let _ = if args.output.message_format == MessageFormat::Json {
        writeln!(out, "{}", report_json(&report))
    } else {
        write!(out, "{}", human(&report))
    };
    if args.fail_on.fails(&report) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `{"reason":"diff", …}`: the file lists and the findings.
pub fn report_json(report: &Report) -> serde_json::Value {
    let paths = |list: &[(String, FileInfo)]| -> Vec<serde_json::Value> {
        list.iter()
            .map(|(path, info)| json!({"path": path, "info": info}))
            .collect()
    };
    json!({
        "reason": "diff",
        "format": report.format,
        "old": {"name": report.old.0, "version": report.old.1},
        "new": {"name": report.new.0, "version": report.new.1},
        "added": paths(&report.added),
        "removed": paths(&report.removed),
        "changed": report.changed,
        "findings": report.findings,
    })
}

/// `-rwxr-xr-x` and friends.
fn mode_string(info: &FileInfo) -> String {
    let kind = match info.kind {
        FileType::Dir => 'd',
        FileType::Symlink(_) => 'l',
        FileType::File => '-',
        FileType::Other => '?',
    };
    let mut s = String::from(kind);
    for (shift, special, letter) in [(6, 0o4000, 's'), (3, 0o2000, 's'), (0, 0o1000, 't')] {
        let bits = (info.mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        let x = bits & 1 != 0;
        s.push(match (info.mode & special != 0, x) {
            (true, true) => letter,
            (true, false) => letter.to_ascii_uppercase(),
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    s
}

/// The debdiff-like text.
pub fn human(report: &Report) -> String {
    let f = report.format;
    let mut s = format!(
        "{} {} → {} {} ({f})\n\n[The following lists of changes regard files as different if they have\ndifferent names, permissions or owners.]\n",
        report.old.0, report.old.1, report.new.0, report.new.1
    );
    let section = |s: &mut String, title: String, list: &[(String, FileInfo)]| {
        s.push_str(&format!(
            "\n{title}\n{}\n",
            "-".repeat(title.chars().count())
        ));
        for (path, info) in list {
            s.push_str(&format!(
                "{}  {}/{:<8} {path}\n",
                mode_string(info),
                info.owner,
                info.group
            ));
        }
    };
    if report.added.is_empty() && report.removed.is_empty() {
        s.push_str("\nFile lists identical (after any substitutions)\n");
    } else {
        section(
            &mut s,
            format!("Files in second .{f} but not in first"),
            &report.added,
        );
        section(
            &mut s,
            format!("Files in first .{f} but not in second"),
            &report.removed,
        );
    }
    if !report.changed.is_empty() {
        s.push_str("\nFiles in both that differ\n-------------------------\n");
        for c in &report.changed {
            s.push_str(&format!("{}  {}\n", c.path, c.changes.join(", ")));
        }
    }
    s.push_str("\nUpgrade findings\n----------------\n");
    if report.findings.is_empty() {
        s.push_str("none\n");
    }
    for finding in &report.findings {
        s.push_str(&format!(
            "{}: [{}] {}\n",
            finding.level, finding.id, finding.message
        ));
    }
    s
}
