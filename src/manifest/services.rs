//! `[[services]]`, `[[users]]` and `[[tmpfiles]]`: checked against the
//! package's files and the target, then resolved into the model's
//! [`SystemSetup`]. On Linux targets the unit, sysusers.d and tmpfiles.d
//! files are generated here as entries; other systems get theirs from
//! their backend (launchd property list, MSI service rows).
//!
//! Names are checked once against the strictest rule of every format
//! (systemd unit, Windows service, launchd label, useradd), so a manifest
//! that passes here is valid for whichever formats are asked for.

use std::collections::BTreeSet;

use vitte_buildkit_formats::model::{
    Entry, EntryKind, RestartPolicy, Service, Source, SystemSetup, SystemUser, TmpFile,
};
use vitte_buildkit_formats::{Os, Target};

use super::schema::{Exec, ServiceSpec, TmpfileSpec, UserSpec};
use super::units;
use super::{LoadedManifest, ManifestError};

/// What resolution needs besides the manifest.
pub struct Context<'a> {
    pub loaded: &'a LoadedManifest,
    pub target: &'a Target,
    pub package_name: &'a str,
    pub summary: &'a str,
    pub homepage: Option<&'a str>,
    pub epoch: u64,
    /// Fills `{prefix}`, `{name}`, … in `exec`, as in `[[files]]`.
    pub placeholders: &'a dyn Fn(&str) -> String,
}

impl Context<'_> {
    fn err(&self, message: impl Into<String>) -> ManifestError {
        ManifestError::new(&self.loaded.path, message)
    }
}

/// Resolves the three lists; on Linux, appends the generated files to `entries`.
pub fn resolve(cx: &Context<'_>, entries: &mut Vec<Entry>) -> Result<SystemSetup, ManifestError> {
    let m = &cx.loaded.manifest;
    let mut setup = SystemSetup::default();
    if m.services.is_empty() && m.users.is_empty() && m.tmpfiles.is_empty() {
        return Ok(setup);
    }
    if cx.target.os == Os::Wasm {
        return Err(cx.err(format!(
            "[[services]], [[users]] and [[tmpfiles]] need a Linux, macOS or Windows target, not {}",
            cx.target.triple()
        )));
    }
    for (i, spec) in m.users.iter().enumerate() {
        setup.users.push(user(cx, i, spec)?);
    }
    unique(cx, "users", setup.users.iter().map(|u| u.name.as_str()))?;
    for (i, spec) in m.tmpfiles.iter().enumerate() {
        setup.tmpfiles.push(tmpfile(cx, i, spec)?);
    }
    for (i, spec) in m.services.iter().enumerate() {
        let service = service(cx, i, spec, entries)?;
        setup.services.push(service);
    }
    unique(
        cx,
        "services",
        setup.services.iter().map(|s| s.name.as_str()),
    )?;
    if cx.target.os == Os::Linux {
        linux_files(cx, &mut setup, entries)?;
    }
    Ok(setup)
}

/// The unit, sysusers.d and tmpfiles.d entries of a Linux package.
fn linux_files(
    cx: &Context<'_>,
    setup: &mut SystemSetup,
    entries: &mut Vec<Entry>,
) -> Result<(), ManifestError> {
    let specs = &cx.loaded.manifest.services;
    for (service, spec) in setup.services.iter_mut().zip(specs) {
        let path = format!("/usr/lib/systemd/system/{}", service.unit_name());
        let entry = match (&spec.unit, &service.exec) {
            (Some(unit), _) => {
                let full = cx.loaded.dir.join(unit);
                let bytes = std::fs::read(&full).map_err(|e| {
                    cx.err(format!(
                        "services.{}.unit `{unit}` cannot be read ({}: {e}); fix the path",
                        service.name,
                        full.display()
                    ))
                })?;
                generated(cx, &path, bytes)
            }
            (None, Some(exec)) => {
                let text = units::unit_file(service, exec, cx.homepage);
                generated(cx, &path, text.into_bytes())
            }
            (None, None) => continue,
        };
        entries.push(entry);
        service.unit_path = Some(path);
    }
    if !setup.users.is_empty() {
        let path = format!("/usr/lib/sysusers.d/{}.conf", cx.package_name);
        let text = units::sysusers_file(&setup.users);
        entries.push(generated(cx, &path, text.into_bytes()));
        setup.sysusers_path = Some(path);
    }
    if !setup.tmpfiles.is_empty() {
        let path = format!("/usr/lib/tmpfiles.d/{}.conf", cx.package_name);
        let text = units::tmpfiles_file(&setup.tmpfiles);
        entries.push(generated(cx, &path, text.into_bytes()));
        setup.tmpfiles_path = Some(path);
    }
    Ok(())
}

fn generated(cx: &Context<'_>, path: &str, bytes: Vec<u8>) -> Entry {
    Entry {
        path: path.to_string(),
        kind: EntryKind::File,
        mode: 0o644,
        owner: "root".into(),
        group: "root".into(),
        uid: 0,
        gid: 0,
        mtime: cx.epoch,
        size: bytes.len() as u64,
        source: Source::Bytes(bytes),
        arch_check: true,
        strip: false,
    }
}

fn unique<'a>(
    cx: &Context<'_>,
    table: &str,
    names: impl Iterator<Item = &'a str>,
) -> Result<(), ManifestError> {
    let mut seen = BTreeSet::new();
    for name in names {
        if !seen.insert(name) {
            return Err(cx.err(format!(
                "[[{table}]] names `{name}` twice; give each its own name"
            )));
        }
    }
    Ok(())
}

fn service(
    cx: &Context<'_>,
    i: usize,
    spec: &ServiceSpec,
    entries: &[Entry],
) -> Result<Service, ManifestError> {
    let key = format!("services[{i}]");
    let name = service_name(cx, &key, spec)?;
    let key = format!("services.{name}");
    let mut exec = match &spec.exec {
        Some(exec) => Some(exec_words(cx, &key, exec)?),
        None => None,
    };
    if exec.is_none() && (spec.unit.is_none() || cx.target.os != Os::Linux) {
        let needs = if spec.unit.is_some() {
            format!(
                "a hand-written unit only serves Linux; target {} needs `exec = \"/path/to/program\"` too",
                cx.target.triple()
            )
        } else {
            "add `exec = \"/usr/bin/program --flag\"` (a file the package installs) or `unit = \"path/to/name.service\"`".into()
        };
        return Err(cx.err(format!("{key}: {needs}")));
    }
    if let Some(exec) = &mut exec {
        if cx.target.os == Os::Windows && !exec[0].to_ascii_lowercase().ends_with(".exe") {
            // One manifest for every system: `/usr/bin/d` is `d.exe` on Windows.
            let with_exe = format!("{}.exe", exec[0]);
            if entries.iter().any(|e| e.path == with_exe) {
                exec[0] = with_exe;
            }
        }
        if spec.unit.is_none() || cx.target.os != Os::Linux {
            check_program(cx, &key, &exec[0], entries)?;
        }
    }
    let description = spec
        .description
        .clone()
        .unwrap_or_else(|| cx.summary.to_string());
    check_line(cx, &format!("{key}.description"), &description)?;
    for (field, value) in [("user", &spec.user), ("group", &spec.group)] {
        if let Some(value) = value {
            check_account(cx, &format!("{key}.{field}"), value)?;
        }
    }
    for (field, list) in [("after", &spec.after), ("wants", &spec.wants)] {
        for unit in list {
            check_unit_name(cx, &format!("{key}.{field}"), unit)?;
        }
    }
    let environment = environment(cx, &key, spec)?;
    if let Some(dir) = &spec.working_directory {
        if !dir.starts_with('/') || dir.chars().any(char::is_control) {
            return Err(cx.err(format!(
                "{key}.working-directory `{dir}` must be an absolute path without control characters"
            )));
        }
    }
    Ok(Service {
        description,
        exec,
        user: spec.user.clone(),
        group: spec.group.clone(),
        restart: restart(cx, &key, spec.restart.as_deref())?,
        after: spec.after.clone(),
        wants: spec.wants.clone(),
        environment,
        working_directory: spec.working_directory.clone(),
        enable: spec.enable.unwrap_or(true),
        start: spec.start.unwrap_or(true),
        restart_on_upgrade: spec.restart_on_upgrade.unwrap_or(true),
        unit_path: None,
        windows_account: windows_account(cx, &key, spec.windows_account.as_deref())?,
        name,
    })
}

/// The service's name: given, or the hand-written unit's file stem.
fn service_name(cx: &Context<'_>, key: &str, spec: &ServiceSpec) -> Result<String, ManifestError> {
    let from_unit = spec.unit.as_deref().map(|unit| {
        let file = unit.rsplit('/').next().unwrap_or(unit);
        (unit, file.strip_suffix(".service"))
    });
    let name = match (&spec.name, from_unit) {
        (_, Some((unit, None))) => {
            return Err(cx.err(format!("{key}.unit `{unit}` must be a `.service` file")))
        }
        (Some(name), Some((unit, Some(stem)))) if name != stem => {
            return Err(cx.err(format!(
                "{key}: name `{name}` differs from the unit file `{unit}`; rename one so they agree"
            )))
        }
        (Some(name), _) => name.clone(),
        (None, Some((_, Some(stem)))) => stem.to_string(),
        (None, None) => {
            return Err(cx.err(format!(
                "{key}: `name` is missing; add `name = \"my-daemon\"`"
            )))
        }
    };
    check_service_name(&name).map_err(|e| cx.err(format!("{key}.name `{name}` {e}")))?;
    Ok(name)
}

/// A service name every format takes: a systemd unit prefix, a Windows
/// service key, a launchd label part.
pub fn check_service_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
        && !name.ends_with(".service");
    if ok {
        Ok(())
    } else {
        Err("must be 1 to 64 letters, digits, `.`, `_` or `-`, start with a letter or digit, and leave out the `.service` suffix".into())
    }
}

fn exec_words(cx: &Context<'_>, key: &str, exec: &Exec) -> Result<Vec<String>, ManifestError> {
    let words: Vec<String> = match exec {
        Exec::Line(line) => {
            if line.contains(['"', '\'', '\\']) {
                return Err(cx.err(format!(
                    "{key}.exec `{line}` holds quotes or backslashes; write it as a list, `exec = [\"/usr/bin/d\", \"an argument\"]`"
                )));
            }
            line.split_whitespace().map(str::to_string).collect()
        }
        Exec::Words(words) => words.clone(),
    };
    let words: Vec<String> = words.iter().map(|w| (cx.placeholders)(w)).collect();
    if words.is_empty() {
        return Err(cx.err(format!("{key}.exec is empty; name the program to run")));
    }
    if let Some(bad) = words.iter().find(|w| w.chars().any(char::is_control)) {
        return Err(cx.err(format!(
            "{key}.exec: argument {bad:?} holds a control character"
        )));
    }
    Ok(words)
}

/// The program must be a regular file of the package that the architecture
/// check looks at, executable where modes mean something.
fn check_program(
    cx: &Context<'_>,
    key: &str,
    program: &str,
    entries: &[Entry],
) -> Result<(), ManifestError> {
    let entry = entries.iter().find(|e| e.path == program).ok_or_else(|| {
        cx.err(format!(
            "{key}.exec `{program}` is not a file this package installs; add it to [[files]] or fix the path"
        ))
    })?;
    if entry.kind != EntryKind::File {
        return Err(cx.err(format!(
            "{key}.exec `{program}` must be a plain file (kind = \"file\"), not {:?}",
            entry.kind
        )));
    }
    if !entry.arch_check {
        return Err(cx.err(format!(
            "{key}.exec `{program}` turns the architecture check off (arch-check = false); a service program must fit the target"
        )));
    }
    let windows = cx.target.os == Os::Windows;
    if windows && !program.to_ascii_lowercase().ends_with(".exe") {
        return Err(cx.err(format!(
            "{key}.exec `{program}`: a Windows service program must be an .exe"
        )));
    }
    if !windows && entry.mode & 0o111 == 0 {
        return Err(cx.err(format!(
            "{key}.exec `{program}` is not executable (mode {:o}); give it mode = \"0755\"",
            entry.mode
        )));
    }
    Ok(())
}

/// `windows-account`: one of the built-in accounts that need no password.
fn windows_account(
    cx: &Context<'_>,
    key: &str,
    value: Option<&str>,
) -> Result<Option<String>, ManifestError> {
    match value {
        None | Some("LocalSystem") => Ok(None),
        Some("LocalService") => Ok(Some("NT AUTHORITY\\LocalService".into())),
        Some("NetworkService") => Ok(Some("NT AUTHORITY\\NetworkService".into())),
        Some(other) => Err(cx.err(format!(
            "{key}.windows-account `{other}` is not one of LocalSystem, LocalService, NetworkService (accounts that need a password are not supported)"
        ))),
    }
}

fn restart(
    cx: &Context<'_>,
    key: &str,
    value: Option<&str>,
) -> Result<RestartPolicy, ManifestError> {
    match value.unwrap_or("on-failure") {
        "no" => Ok(RestartPolicy::No),
        "on-failure" => Ok(RestartPolicy::OnFailure),
        "always" => Ok(RestartPolicy::Always),
        other => Err(cx.err(format!(
            "{key}.restart `{other}` is not one of on-failure, always, no"
        ))),
    }
}

fn environment(
    cx: &Context<'_>,
    key: &str,
    spec: &ServiceSpec,
) -> Result<Vec<(String, String)>, ManifestError> {
    let mut out = Vec::new();
    for (name, value) in &spec.environment {
        let valid = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return Err(cx.err(format!(
                "{key}.environment: `{name}` is not a variable name (letters, digits and _, not starting with a digit)"
            )));
        }
        check_line(cx, &format!("{key}.environment.{name}"), value)?;
        out.push((name.clone(), value.clone()));
    }
    Ok(out)
}

fn check_line(cx: &Context<'_>, key: &str, text: &str) -> Result<(), ManifestError> {
    if text.chars().any(char::is_control) {
        return Err(cx.err(format!("{key} must be one line without control characters")));
    }
    Ok(())
}

/// A unit another one orders after or wants: `network-online.target`.
fn check_unit_name(cx: &Context<'_>, key: &str, unit: &str) -> Result<(), ManifestError> {
    let ok = unit.contains('.')
        && !unit.starts_with('.')
        && unit
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ":_.@\\-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(cx.err(format!(
            "{key}: `{unit}` is not a systemd unit name like `network-online.target`"
        )))
    }
}

/// A user or group name useradd, sysusers and every format take.
fn check_account(cx: &Context<'_>, key: &str, name: &str) -> Result<(), ManifestError> {
    let ok = !name.is_empty()
        && name.len() <= 31
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(cx.err(format!(
            "{key} `{name}` must be 1 to 31 lower-case letters, digits, `_` or `-`, starting with a letter or `_`"
        )))
    }
}

fn user(cx: &Context<'_>, i: usize, spec: &UserSpec) -> Result<SystemUser, ManifestError> {
    let key = format!("users[{i}]");
    check_account(cx, &format!("{key}.name"), &spec.name)?;
    if spec.system == Some(false) {
        return Err(cx.err(format!(
            "{key}: only system users can be created by a package; drop `system = false`"
        )));
    }
    if let Some(group) = &spec.group {
        check_account(cx, &format!("{key}.group"), group)?;
    }
    for (field, value) in [("home", &spec.home), ("shell", &spec.shell)] {
        if let Some(path) = value {
            if !path.starts_with('/') || path.contains(char::is_whitespace) {
                return Err(cx.err(format!(
                    "{key}.{field} `{path}` must be an absolute path without spaces"
                )));
            }
        }
    }
    if let Some(d) = &spec.description {
        check_line(cx, &format!("{key}.description"), d)?;
    }
    Ok(SystemUser {
        name: spec.name.clone(),
        group: spec.group.clone(),
        home: spec.home.clone(),
        shell: spec.shell.clone(),
        description: spec.description.clone(),
    })
}

fn tmpfile(cx: &Context<'_>, i: usize, spec: &TmpfileSpec) -> Result<TmpFile, ManifestError> {
    let key = format!("tmpfiles[{i}]");
    let mut kind = spec.kind.chars();
    let valid_kind = kind
        .next()
        .is_some_and(|c| "fFwdDevqQpLcbCxXrRzZtThHaA".contains(c))
        && kind.all(|c| "!-=~^+".contains(c));
    if !valid_kind {
        return Err(cx.err(format!(
            "{key}.type `{}` is not a tmpfiles.d type (d, D, f, L, z, Z, e, x, …, see tmpfiles.d(5))",
            spec.kind
        )));
    }
    if !spec.path.starts_with('/')
        || spec
            .path
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(cx.err(format!(
            "{key}.path `{}` must be an absolute path without spaces",
            spec.path
        )));
    }
    let fields = [
        ("mode", &spec.mode),
        ("user", &spec.user),
        ("group", &spec.group),
        ("age", &spec.age),
    ];
    for (field, value) in fields {
        if let Some(v) = value {
            if v.is_empty() || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(cx.err(format!(
                    "{key}.{field} `{v}` must be one word (or leave it out for `-`)"
                )));
            }
        }
    }
    if let Some(a) = &spec.argument {
        check_line(cx, &format!("{key}.argument"), a)?;
    }
    Ok(TmpFile {
        kind: spec.kind.clone(),
        path: spec.path.clone(),
        mode: spec.mode.clone(),
        user: spec.user.clone(),
        group: spec.group.clone(),
        age: spec.age.clone(),
        argument: spec.argument.clone(),
    })
}
