//! Printing what the library reports: human text on stderr (with a progress
//! bar on a terminal, colour unless NO_COLOR), or JSON lines on stdout with a
//! cargo-style `"reason"` field.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;

use crate::events::{Event, Listener};
use crate::lint::Level;

/// Below this payload size no progress bar is shown.
const PROGRESS_MIN_BYTES: u64 = 32 << 20;

/// A listener plus the final word of a command.
pub trait Reporter {
    fn listener(&self) -> &dyn Listener;
    /// Prints the outcome and gives the exit code.
    fn finish(&self, result: Result<(), &dyn std::error::Error>) -> ExitCode;
}

/// cargo-style lines on stderr.
pub struct Human {
    quiet: bool,
    verbose: bool,
    color: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Human {
    pub fn new(quiet: bool, verbose: bool) -> Self {
        let terminal = std::io::stderr().is_terminal();
        let color = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Self {
            quiet,
            verbose,
            color,
            bar: Mutex::new(None),
        }
    }

    fn status(&self, word: &str, text: &str) {
        if self.quiet {
            return;
        }
        self.end_bar();
        if self.color {
            eprintln!("\x1b[1;32m{word:>12}\x1b[0m {text}");
        } else {
            eprintln!("{word:>12} {text}");
        }
    }

    fn end_bar(&self) {
        if let Some(bar) = self.bar.lock().map(|mut b| b.take()).unwrap_or(None) {
            bar.finish_and_clear();
        }
    }

    fn start_bar(&self, total: u64) {
        if self.quiet || total < PROGRESS_MIN_BYTES || !std::io::stderr().is_terminal() {
            return;
        }
        let bar = ProgressBar::new(total);
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta}")
        {
            bar.set_style(style);
        }
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    fn warning(&self, message: &str) {
        self.end_bar();
        if !self.quiet {
            let head = if self.color {
                "\x1b[1;33mwarning\x1b[0m"
            } else {
                "warning"
            };
            eprintln!("{head}: {message}");
        }
    }

    /// Writes an error the way cargo does: the message, then each cause.
    fn error(&self, error: &dyn std::error::Error) {
        self.end_bar();
        let head = if self.color {
            "\x1b[1;31merror\x1b[0m"
        } else {
            "error"
        };
        let mut out = std::io::stderr().lock();
        let _ = writeln!(out, "{head}: {error}");
        let mut source = error.source();
        if source.is_some() {
            let _ = writeln!(out, "\nCaused by:");
        }
        while let Some(cause) = source {
            for (i, line) in cause.to_string().lines().enumerate() {
                let _ = writeln!(out, "  {}{line}", if i == 0 { "" } else { "  " });
            }
            source = cause.source();
        }
    }
}

impl Listener for Human {
    fn event(&self, event: Event<'_>) {
        match event {
            Event::Packaging {
                name,
                version,
                format,
                target,
                payload_bytes,
            } => {
                self.status(
                    "Packaging",
                    &format!("{name} {version} as {format} for {target}"),
                );
                self.start_bar(payload_bytes);
            }
            Event::Progress { bytes } => {
                if let Ok(Some(bar)) = self.bar.lock().as_deref() {
                    bar.inc(bytes);
                }
            }
            Event::Skipped {
                format,
                target,
                reason,
            } if self.verbose => {
                self.status("Skipping", &format!("{format} for {target}: {reason}"));
            }
            Event::Skipped { .. } => {}
            Event::Unchecked { path, target } => {
                self.status(
                    "Unchecked",
                    &format!("{path}: arch-check = false, not inspected for {target}"),
                );
            }
            Event::Lint(finding) if finding.level == Level::Info && !self.verbose => {}
            Event::Lint(finding) => self.warning(&finding.to_string()),
            Event::Warning(message) => self.warning(message),
            Event::Artifact(a) => {
                let signed = a.signature.as_ref().map(|_| ", signed").unwrap_or("");
                let cached = match a.cache {
                    Some(crate::cache::Outcome::HitLocal) => ", from the local cache",
                    Some(crate::cache::Outcome::HitRemote) => ", from the remote cache",
                    _ => "",
                };
                self.status(
                    "Written",
                    &format!("{} ({} bytes{signed}{cached})", a.path.display(), a.size),
                );
            }
            Event::Unsigned if self.verbose => self.status("Unsigned", "no signing key given"),
            Event::Signed {
                key_id,
                openpgp_fingerprint,
            } => self.status(
                "Signed",
                &format!("with minisign key {key_id} (OpenPGP {openpgp_fingerprint})"),
            ),
            Event::Unsigned => {}
        }
    }
}

impl Reporter for Human {
    fn listener(&self) -> &dyn Listener {
        self
    }
    fn finish(&self, result: Result<(), &dyn std::error::Error>) -> ExitCode {
        self.end_bar();
        match result {
            Ok(()) => {
                self.status("Finished", "all artifacts are in place");
                ExitCode::SUCCESS
            }
            Err(e) => {
                self.error(e);
                ExitCode::FAILURE
            }
        }
    }
}

/// One JSON object per line on stdout.
pub struct Json;

impl Json {
    fn line(value: serde_json::Value) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{value}");
    }
}

impl Listener for Json {
    fn event(&self, event: Event<'_>) {
        match event {
            Event::Artifact(a) => Self::line(json!({
                "reason": "artifact",
                "format": a.format,
                "target": a.target,
                "path": a.path,
                "size": a.size,
                "sha256": a.sha256,
                "signature": a.signature,
                "cache": a.cache.map(|c| c.as_str()),
            })),
            Event::Warning(message) => Self::line(json!({"reason": "warning", "message": message})),
            Event::Lint(finding) => Self::line(json!({
                "reason": "lint",
                "rule": finding.rule,
                "level": finding.level,
                "formats": finding.formats,
                "path": finding.path,
                "message": finding.message,
            })),
            Event::Skipped {
                format,
                target,
                reason,
            } => Self::line(
                json!({"reason": "skipped", "format": format, "target": target, "message": reason}),
            ),
            Event::Unchecked { path, target } => {
                Self::line(json!({"reason": "unchecked", "path": path, "target": target}))
            }
            Event::Unsigned => Self::line(json!({"reason": "unsigned"})),
            Event::Signed {
                key_id,
                openpgp_fingerprint,
            } => Self::line(json!({
                "reason": "signed",
                "key_id": key_id,
                "openpgp_fingerprint": openpgp_fingerprint,
            })),
            Event::Packaging { .. } | Event::Progress { .. } => {}
        }
    }
}

impl Reporter for Json {
    fn listener(&self) -> &dyn Listener {
        self
    }
    fn finish(&self, result: Result<(), &dyn std::error::Error>) -> ExitCode {
        match result {
            Ok(()) => {
                Self::line(json!({"reason": "finished", "success": true}));
                ExitCode::SUCCESS
            }
            Err(e) => {
                let mut message = e.to_string();
                let mut source = e.source();
                while let Some(cause) = source {
                    message.push_str(&format!(": {cause}"));
                    source = cause.source();
                }
                Self::line(json!({"reason": "error", "message": message}));
                Self::line(json!({"reason": "finished", "success": false}));
                ExitCode::FAILURE
            }
        }
    }
}
