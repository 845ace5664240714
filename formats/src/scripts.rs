//! Maintainer scripts with generated snippets merged in, the way debhelper
//! does it: the snippets replace a `#DEBHELPER#` line of the user's script;
//! without one they come after the user's text (before a final `exit`).
//! deb and rpm use this for their service, user and tmpfiles snippets.

use crate::error::{Error, Result};

/// The line the snippets replace.
pub const TOKEN: &str = "#DEBHELPER#";

/// The user's script with `snippets` merged in; `None` when there is
/// neither. `key` names the script in errors (`[scripts] post-install`).
pub fn merge(key: &str, user: Option<&str>, snippets: &str) -> Result<Option<String>> {
    let Some(user) = user else {
        if snippets.is_empty() {
            return Ok(None);
        }
        return Ok(Some(format!("#!/bin/sh\nset -e\n\n{snippets}")));
    };
    if snippets.is_empty() && !user.lines().any(|l| l.trim() == TOKEN) {
        return Ok(Some(user.to_string()));
    }
    check_shell(key, user)?;
    let lines: Vec<&str> = user.lines().collect();
    let mut out = String::with_capacity(user.len() + snippets.len() + 1);
    let at = lines.iter().position(|l| l.trim() == TOKEN).or_else(|| {
        // A script that ends with `exit 0` would never reach what follows it.
        let last = lines
            .iter()
            .rposition(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
        let word = lines[last].split_whitespace().next();
        (word == Some("exit") && last > 0).then_some(last)
    });
    let (before, after) = match at {
        Some(i) if lines[i].trim() == TOKEN => (&lines[..i], &lines[i + 1..]),
        Some(i) => (&lines[..i], &lines[i..]),
        None => (&lines[..], &[][..]),
    };
    for line in before {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(snippets);
    for line in after {
        out.push_str(line);
        out.push('\n');
    }
    Ok(Some(out))
}

/// Snippets are POSIX shell: the user's script must run with a shell too.
fn check_shell(key: &str, script: &str) -> Result<()> {
    let first = script.lines().next().unwrap_or("");
    let Some(line) = first.strip_prefix("#!") else {
        return Ok(());
    };
    let words: Vec<&str> = line.split_whitespace().collect();
    let program = match words.as_slice() {
        [env, name, ..] if env.ends_with("/env") => *name,
        [path, ..] => path.rsplit('/').next().unwrap_or(path),
        [] => "",
    };
    if ["sh", "bash", "dash"].contains(&program) {
        Ok(())
    } else {
        Err(Error::Invalid(format!(
            "{key} runs with `{}`, but the service snippets merged into it are shell; write it for /bin/sh",
            line.trim()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_go_where_debhelper_puts_them() {
        let s = "S\n";
        assert_eq!(merge("k", None, "").unwrap(), None);
        assert_eq!(
            merge("k", None, s).unwrap().unwrap(),
            "#!/bin/sh\nset -e\n\nS\n"
        );
        let token = "#!/bin/sh\na\n#DEBHELPER#\nb\n";
        assert_eq!(
            merge("k", Some(token), s).unwrap().unwrap(),
            "#!/bin/sh\na\nS\nb\n"
        );
        let exit = "#!/bin/sh\na\nexit 0\n";
        assert_eq!(
            merge("k", Some(exit), s).unwrap().unwrap(),
            "#!/bin/sh\na\nS\nexit 0\n"
        );
        let plain = "#!/bin/bash\na\n";
        assert_eq!(
            merge("k", Some(plain), s).unwrap().unwrap(),
            "#!/bin/bash\na\nS\n"
        );
        assert_eq!(merge("k", Some(plain), "").unwrap().unwrap(), plain);
    }

    #[test]
    fn scripts_in_other_languages_are_refused() {
        assert!(merge("k", Some("#!/usr/bin/perl\n1;\n"), "S\n").is_err());
        assert!(merge("k", Some("#!/usr/bin/env python3\n"), "S\n").is_err());
        assert!(merge("k", Some("#!/usr/bin/env sh\n"), "S\n").is_ok());
    }
}
