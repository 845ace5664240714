//! `vitte-buildkit completions SHELL` and `vitte-buildkit man [--out DIR]`:
//! shell completion scripts (clap_complete) and roff manual pages
//! (clap_mangen), generated from the same clap definitions the parser uses,
//! so they never drift from the real options.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::CommandFactory;
use clap_complete::Shell;
use vitte_buildkit_formats::write::date::rfc3339;

use super::Cli;

#[derive(clap::Args, Debug)]
pub(super) struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum, value_name = "SHELL")]
    shell: Shell,
}

#[derive(clap::Args, Debug)]
pub(super) struct ManArgs {
    /// Write vitte-buildkit.1 and one vitte-buildkit-<command>.1 per command
    /// into this folder (created if needed) instead of printing
    /// vitte-buildkit.1 on stdout.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// Prints the completion script for a shell on stdout.
pub(super) fn completions(args: CompletionsArgs) -> ExitCode {
    let mut cmd = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "vitte-buildkit", &mut script);
    if args.shell == Shell::Bash {
        script = bash_hyphen_fix(&script);
    }
    match std::io::stdout().write_all(&script) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the completion script: {e}");
            ExitCode::FAILURE
        }
    }
}

/// clap_complete (4.6) spells the bash states of a hyphenated program two
/// ways: the loop that walks the words reaches `vitte__buildkit__subcmd__package`,
/// the case arms say `vitte__subcmd__buildkit__subcmd__package`, so no
/// command's options would complete (clap-rs/clap#6421, open). The arms are
/// respelled the way the loop spells them.
fn bash_hyphen_fix(script: &[u8]) -> Vec<u8> {
    String::from_utf8_lossy(script)
        .replace("vitte__subcmd__buildkit", "vitte__buildkit")
        .into_bytes()
}

/// Prints the main manual page, or writes every page into `--out`.
pub(super) fn man(args: ManArgs) -> ExitCode {
    let result = match &args.out {
        None => render_pages()
            .and_then(|pages| {
                let (_, main) = pages.into_iter().next().expect("the main page comes first");
                std::io::stdout().write_all(&main)
            })
            .map_err(|e| format!("cannot write the manual page: {e}")),
        Some(dir) => write_pages(dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Every page as (file name, roff text): the main page first, then one per
/// command (`help` has none: it only prints the others' usage).
pub fn render_pages() -> std::io::Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let date = man_date();
    let page = |cmd: clap::Command| -> std::io::Result<(String, Vec<u8>)> {
        let man = clap_mangen::Man::new(cmd)
            .date(date.clone())
            .manual("vitte-buildkit manual");
        let mut text = Vec::new();
        man.render(&mut text)?;
        Ok((man.get_filename(), ascii_roff(&text)))
    };
    let mut pages = vec![page(cmd.clone())?];
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        pages.push(page(sub.clone())?);
    }
    Ok(pages)
}

/// The page with every non-ASCII character written as a groff escape
/// (`…` → `\[u2026]`): troff reads bytes, and without preconv it warns
/// about (and drops) UTF-8.
fn ascii_roff(text: &[u8]) -> Vec<u8> {
    let mut out = String::with_capacity(text.len());
    for c in String::from_utf8_lossy(text).chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            out.push_str(&format!("\\[u{:04X}]", u32::from(c)));
        }
    }
    out.into_bytes()
}

/// The page date, `YYYY-MM-DD` of `SOURCE_DATE_EPOCH` when set, so that
/// packaged pages are reproducible; otherwise none.
fn man_date() -> String {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|secs| rfc3339(secs)[..10].to_string())
        .unwrap_or_default()
}

/// Writes every page into `dir`, each through a temporary file renamed into
/// place, so a failure leaves no half-written page.
fn write_pages(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the folder {}: {e}", dir.display()))?;
    let pages = render_pages().map_err(|e| format!("cannot render the manual pages: {e}"))?;
    for (name, text) in pages {
        let path = dir.join(&name);
        let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
        let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
        tmp.write_all(&text).map_err(fail)?;
        std::fs::set_permissions(tmp.path(), PermissionsExt::from_mode(0o644)).map_err(fail)?;
        tmp.persist(&path).map_err(|e| fail(e.error))?;
        eprintln!("     Written {}", path.display());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_a_page() {
        let names: Vec<String> = render_pages().unwrap().into_iter().map(|p| p.0).collect();
        assert_eq!(names[0], "vitte-buildkit.1");
        assert!(
            names.contains(&"vitte-buildkit-package.1".to_string()),
            "{names:?}"
        );
        assert!(!names.iter().any(|n| n.contains("help")), "{names:?}");
    }

    #[test]
    fn non_ascii_becomes_a_groff_escape() {
        assert_eq!(
            ascii_roff("F[,F…] é".as_bytes()),
            b"F[,F\\[u2026]] \\[u00E9]"
        );
    }
}
