//! `vitte-buildkit config`: prints the effective settings of a `package`
//! run with the same flags, and where each came from (flag, env, manifest,
//! user config, default).

use std::io::Write;
use std::process::ExitCode;

use serde_json::json;

use super::{MessageFormat, PackageArgs};
use crate::config::{self, effective};

pub(super) fn run(args: PackageArgs) -> ExitCode {
    let loaded = match config::load_user_config() {
        Ok(loaded) => loaded,
        Err(e) => return fail(&args, &e.to_string()),
    };
    let settings = effective::settings(&args.flags(), loaded.as_ref());
    let mut text = String::new();
    if args.output.message_format == MessageFormat::Json {
        for s in &settings {
            let line =
                json!({"reason": "setting", "name": s.name, "value": s.value, "origin": s.origin});
            text.push_str(&format!("{line}\n"));
        }
    } else {
        text = table(&settings);
    }
    // A closed pipe (`| head`) is not an error worth a message.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

/// `name = value  # origin`, aligned.
fn table(settings: &[effective::Setting]) -> String {
    let width = settings.iter().map(|s| s.name.len()).max().unwrap_or(0);
    let value_width = settings
        .iter()
        .map(|s| s.value.chars().count())
        .max()
        .unwrap_or(0)
        .min(48);
    settings
        .iter()
        .map(|s| {
            format!(
                "{:width$} = {:value_width$}  # {}\n",
                s.name, s.value, s.origin
            )
        })
        .collect()
}

fn fail(args: &PackageArgs, message: &str) -> ExitCode {
    if args.output.message_format == MessageFormat::Json {
        println!("{}", json!({"reason": "error", "message": message}));
    } else {
        eprintln!("error: {message}");
    }
    ExitCode::FAILURE
}
