//! `vitte-buildkit lint`: the lint gate alone, over the manifest, for the
//! selected targets and formats; writes nothing. Exit 1 when a rule at
//! level error is broken.

use std::io::Write;
use std::process::ExitCode;

use serde_json::json;

use super::{MessageFormat, OutputArgs, ProjectArgs};
use crate::buildkit::BuildKit;
use crate::lint::{Finding, Level, RULES};

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Formats, comma separated, or `all` (default: all that serve the target).
    #[arg(short, long, value_name = "F[,F…]", value_delimiter = ',')]
    format: Vec<String>,
    /// Targets, comma separated: triples or short forms (default: the host).
    #[arg(short, long, value_name = "T[,T…]", value_delimiter = ',')]
    target: Vec<String>,
    /// Print every rule (id, levels per format, lintian/rpmlint tags) and stop.
    #[arg(long)]
    list: bool,
    #[command(flatten)]
    output: OutputArgs,
}

pub fn run(args: LintArgs) -> ExitCode {
    let json = args.output.message_format == MessageFormat::Json;
    if args.list {
        list(json);
        return ExitCode::SUCCESS;
    }
    let reporter = args.output.reporter();
    let mut kit = args.project.apply(BuildKit::new());
    for target in &args.target {
        kit = kit.target(target);
    }
    for format in &args.format {
        kit = kit.format(format);
    }
    let findings = match kit.lint_only() {
        Ok(findings) => findings,
        Err(e) => return reporter.finish(Err(&e)),
    };
    let errors = findings.iter().filter(|f| f.level == Level::Error).count();
    let mut out = std::io::stdout().lock();
    for finding in &findings {
        let _ = if json {
            writeln!(out, "{}", finding_json(finding))
        } else {
            writeln!(out, "{}: {}", finding.level, finding_text(finding))
        };
    }
    let warnings = findings.len() - errors;
    let _ = if json {
        writeln!(
            out,
            "{}",
            json!({"reason": "finished", "success": errors == 0, "errors": errors, "warnings": warnings})
        )
    } else {
        writeln!(out, "{errors} error(s), {warnings} warning(s) or note(s)")
    };
    if errors == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn finding_text(f: &Finding) -> String {
    format!("[{}] ({}) {}", f.rule, f.formats.join(", "), f.message)
}

fn finding_json(f: &Finding) -> serde_json::Value {
    json!({
        "reason": "lint",
        "rule": f.rule,
        "level": f.level,
        "formats": f.formats,
        "path": f.path,
        "message": f.message,
    })
}

fn list(json: bool) {
    let mut out = std::io::stdout().lock();
    for rule in RULES {
        let _ = if json {
            writeln!(out, "{}", json!({"reason": "rule", "rule": rule}))
        } else {
            let levels: Vec<String> = rule
                .levels
                .iter()
                .map(|(f, l)| format!("{f}: {l}"))
                .collect();
            writeln!(
                out,
                "{:<34} {:<24} {}",
                rule.id,
                levels.join(", "),
                rule.doc
            )
        };
    }
}
