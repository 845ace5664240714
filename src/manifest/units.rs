//! The text of the files that set up a service on Linux: a systemd unit,
//! a sysusers.d file and a tmpfiles.d file, written from the resolved
//! model. Everything here is already checked; nothing here can fail.

use std::fmt::Write as _;

use vitte_buildkit_formats::model::{RestartPolicy, Service, SystemUser, TmpFile};

/// The `.service` unit of a service that names its program.
pub fn unit_file(service: &Service, exec: &[String], homepage: Option<&str>) -> String {
    let mut unit = String::from("[Unit]\n");
    let _ = writeln!(unit, "Description={}", specifiers(&service.description));
    if let Some(url) = homepage.filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
        let _ = writeln!(unit, "Documentation={url}");
    }
    if !service.after.is_empty() {
        let _ = writeln!(unit, "After={}", service.after.join(" "));
    }
    if !service.wants.is_empty() {
        let _ = writeln!(unit, "Wants={}", service.wants.join(" "));
    }
    unit.push_str("\n[Service]\nType=exec\n");
    let words: Vec<String> = exec.iter().map(|w| exec_word(w)).collect();
    let _ = writeln!(unit, "ExecStart={}", words.join(" "));
    let restart = match service.restart {
        RestartPolicy::No => "no",
        RestartPolicy::OnFailure => "on-failure",
        RestartPolicy::Always => "always",
    };
    let _ = writeln!(unit, "Restart={restart}");
    if let Some(user) = &service.user {
        let _ = writeln!(unit, "User={user}");
    }
    if let Some(group) = &service.group {
        let _ = writeln!(unit, "Group={group}");
    }
    for (name, value) in &service.environment {
        let _ = writeln!(
            unit,
            "Environment=\"{}\"",
            quoted(&specifiers(&format!("{name}={value}")))
        );
    }
    if let Some(dir) = &service.working_directory {
        let _ = writeln!(unit, "WorkingDirectory={}", specifiers(dir));
    }
    unit.push_str("\n[Install]\nWantedBy=multi-user.target\n");
    unit
}

/// The sysusers.d file: a `g` line for every group named only as a
/// primary group, then one `u` line a user.
pub fn sysusers_file(users: &[SystemUser]) -> String {
    let mut text = String::new();
    let own: Vec<&str> = users.iter().map(|u| u.name.as_str()).collect();
    let mut groups: Vec<&str> = users
        .iter()
        .filter_map(|u| u.group.as_deref())
        .filter(|g| !own.contains(g))
        .collect();
    groups.sort_unstable();
    groups.dedup();
    for group in groups {
        let _ = writeln!(text, "g {group} -");
    }
    for user in users {
        let id = match &user.group {
            Some(group) if *group != user.name => format!("-:{group}"),
            _ => "-".to_string(),
        };
        let gecos = user
            .description
            .as_deref()
            .map_or("-".to_string(), |d| format!("\"{}\"", d.replace('"', "'")));
        let home = user.home.as_deref().unwrap_or("-");
        let shell = user.shell.as_deref().unwrap_or("-");
        let _ = writeln!(text, "u {} {id} {gecos} {home} {shell}", user.name);
    }
    text
}

/// The tmpfiles.d file, one line an entry.
pub fn tmpfiles_file(entries: &[TmpFile]) -> String {
    let mut text = String::new();
    for e in entries {
        let field = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
        let mut line = format!(
            "{} {} {} {} {} {}",
            e.kind,
            e.path,
            field(&e.mode),
            field(&e.user),
            field(&e.group),
            field(&e.age)
        );
        if let Some(argument) = &e.argument {
            line.push(' ');
            line.push_str(argument);
        }
        text.push_str(&line);
        text.push('\n');
    }
    text
}

/// `%` starts a specifier in unit settings; a literal one is `%%`.
fn specifiers(text: &str) -> String {
    text.replace('%', "%%")
}

/// Backslash and double quote, escaped for a quoted unit value.
fn quoted(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// One word of ExecStart: as it is when it is plain, else double-quoted;
/// `%` and `$` doubled so systemd expands neither.
fn exec_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._:=,+@-".contains(c));
    let word = specifiers(word).replace('$', "$$");
    if plain {
        word
    } else {
        format!("\"{}\"", quoted(&word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_words_are_quoted_only_when_needed() {
        assert_eq!(exec_word("/usr/bin/d"), "/usr/bin/d");
        assert_eq!(exec_word("--port=80"), "--port=80");
        assert_eq!(exec_word("two words"), "\"two words\"");
        assert_eq!(exec_word("100%"), "\"100%%\"");
        assert_eq!(exec_word("$HOME"), "\"$$HOME\"");
        assert_eq!(exec_word("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(exec_word(""), "\"\"");
    }

    #[test]
    fn users_in_another_group_get_that_group_first() {
        let user = |name: &str, group: Option<&str>| SystemUser {
            name: name.into(),
            group: group.map(Into::into),
            home: None,
            shell: None,
            description: None,
        };
        let text = sysusers_file(&[user("hello", None), user("worker", Some("hello-data"))]);
        assert_eq!(
            text,
            "g hello-data -\nu hello - - - -\nu worker -:hello-data - - -\n"
        );
    }
}
