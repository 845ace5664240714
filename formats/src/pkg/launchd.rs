//! Services in a `.pkg`: each becomes a launchd daemon, a property list in
//! `/Library/LaunchDaemons/<label>.plist` (written with the `plist` crate)
//! that `postinstall` loads with `launchctl bootstrap` and `preinstall`
//! unloads with `launchctl bootout` before an upgrade replaces the program.
//!
//! The scripts only talk to launchd when the package is installed on the
//! running system (the installer's third argument, the target volume, is
//! `/`), as debhelper's snippets leave a `DPKG_ROOT` alone. macOS has no
//! sysusers or tmpfiles: `[[users]]` and `[[tmpfiles]]` are left out with a
//! warning; the accounts a daemon runs as must exist.

use plist::{Dictionary, Value};

use crate::error::{Error, Result};
use crate::model::{Entry, EntryKind, Package, RestartPolicy, Scripts, Service, Source};
use crate::scripts;

/// The folder launchd reads system daemons from.
pub const DAEMONS: &str = "/Library/LaunchDaemons";

/// The launchd label of a service: the package identifier, followed by the
/// service name when that differs from the package name.
pub fn label(package: &Package, identifier: &str, service: &Service) -> String {
    if service.name == package.name {
        identifier.to_string()
    } else {
        format!("{identifier}.{}", service.name)
    }
}

/// The package with a property list per service and the scripts that
/// load them merged into the user's `preinstall` / `postinstall`.
pub fn with_daemons(package: &Package, identifier: &str, epoch: u64) -> Result<Package> {
    let mut out = package.clone();
    if package.system.services.is_empty() {
        return Ok(out);
    }
    let mut pre = String::new();
    let mut post = String::new();
    for service in &package.system.services {
        let label = label(package, identifier, service);
        let path = format!("{DAEMONS}/{label}.plist");
        if package.entries.iter().any(|e| e.path == path) {
            return Err(Error::Invalid(format!(
                "{path}: the package ships this file, and services.{} generates it; remove one",
                service.name
            )));
        }
        let bytes = property_list(&label, service)?;
        out.entries.push(Entry {
            path: path.clone(),
            kind: EntryKind::File,
            mode: 0o644,
            owner: "root".into(),
            group: "wheel".into(),
            uid: 0,
            gid: 0,
            mtime: epoch,
            size: bytes.len() as u64,
            source: Source::Bytes(bytes),
            arch_check: true,
            strip: false,
        });
        pre.push_str(&unload(&label, service));
        post.push_str(&load(&label, &path, service));
    }
    out.entries.sort_by(|a, b| a.path.cmp(&b.path));
    let s = &package.scripts;
    out.scripts = Scripts {
        pre_install: scripts::merge("[scripts] pre-install", s.pre_install.as_deref(), &pre)?,
        post_install: scripts::merge("[scripts] post-install", s.post_install.as_deref(), &post)?,
        pre_remove: s.pre_remove.clone(),
        post_remove: s.post_remove.clone(),
    };
    Ok(out)
}

/// The daemon's property list, XML.
fn property_list(label: &str, service: &Service) -> Result<Vec<u8>> {
    let exec = service.exec.as_ref().ok_or_else(|| {
        Error::Invalid(format!(
            "services.{}: a launchd daemon needs `exec`, the program to run",
            service.name
        ))
    })?;
    let mut dict = Dictionary::new();
    dict.insert("Label".into(), label.into());
    let args: Vec<Value> = exec.iter().map(|a| Value::from(a.as_str())).collect();
    dict.insert("ProgramArguments".into(), Value::Array(args));
    dict.insert("RunAtLoad".into(), true.into());
    match service.restart {
        RestartPolicy::No => {}
        RestartPolicy::Always => {
            dict.insert("KeepAlive".into(), true.into());
        }
        RestartPolicy::OnFailure => {
            let mut keep = Dictionary::new();
            keep.insert("SuccessfulExit".into(), false.into());
            dict.insert("KeepAlive".into(), keep.into());
        }
    }
    if !service.enable {
        dict.insert("Disabled".into(), true.into());
    }
    if let Some(user) = &service.user {
        dict.insert("UserName".into(), user.as_str().into());
    }
    if let Some(group) = &service.group {
        dict.insert("GroupName".into(), group.as_str().into());
    }
    if !service.environment.is_empty() {
        let mut env = Dictionary::new();
        for (name, value) in &service.environment {
            env.insert(name.clone(), value.as_str().into());
        }
        dict.insert("EnvironmentVariables".into(), env.into());
    }
    if let Some(dir) = &service.working_directory {
        dict.insert("WorkingDirectory".into(), dir.as_str().into());
    }
    let mut bytes = Vec::new();
    Value::Dictionary(dict)
        .to_writer_xml(&mut bytes)
        .map_err(|e| Error::Invalid(format!("services.{}: {e}", service.name)))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The test that the installer writes to the running system.
const LIVE: &str = "[ \"${3:-/}\" = \"/\" ]";

/// preinstall: unload the running daemon before its files are replaced,
/// unless it should keep running through an upgrade.
fn unload(label: &str, service: &Service) -> String {
    if !service.restart_on_upgrade {
        return String::new();
    }
    format!(
        "# Stop {label} before the upgrade replaces it\nif {LIVE} && /bin/launchctl print 'system/{label}' >/dev/null 2>&1; then\n\t/bin/launchctl bootout 'system/{label}' || true\nfi\n"
    )
}

/// postinstall: load the daemon (which starts it, RunAtLoad) when it is
/// enabled, to be started now, and not already loaded.
fn load(label: &str, path: &str, service: &Service) -> String {
    if !service.enable || !service.start {
        return String::new();
    }
    format!(
        "# Start {label}\nif {LIVE} && ! /bin/launchctl print 'system/{label}' >/dev/null 2>&1; then\n\t/bin/launchctl bootstrap system '{path}' || true\nfi\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(restart: RestartPolicy) -> Service {
        Service {
            name: "d".into(),
            description: "d".into(),
            exec: Some(vec!["/usr/local/bin/d".into(), "--x".into()]),
            user: Some("_d".into()),
            group: None,
            restart,
            after: vec![],
            wants: vec![],
            environment: vec![("A".into(), "1".into())],
            working_directory: None,
            enable: true,
            start: true,
            restart_on_upgrade: false,
            unit_path: None,
            windows_account: None,
        }
    }

    #[test]
    fn keep_alive_follows_restart() {
        let read = |r| {
            let bytes = property_list("org.example.d", &service(r)).unwrap();
            Value::from_reader_xml(bytes.as_slice()).unwrap()
        };
        let always = read(RestartPolicy::Always);
        let dict = always.as_dictionary().unwrap();
        assert_eq!(dict.get("KeepAlive"), Some(&Value::Boolean(true)));
        assert_eq!(dict.get("UserName"), Some(&Value::from("_d")));
        let on_failure = read(RestartPolicy::OnFailure);
        let keep = on_failure
            .as_dictionary()
            .unwrap()
            .get("KeepAlive")
            .unwrap();
        assert_eq!(
            keep.as_dictionary().unwrap().get("SuccessfulExit"),
            Some(&Value::Boolean(false))
        );
        let no = read(RestartPolicy::No);
        assert!(no.as_dictionary().unwrap().get("KeepAlive").is_none());
    }

    #[test]
    fn kept_running_through_upgrades_means_no_bootout() {
        assert!(unload("l", &service(RestartPolicy::No)).is_empty());
        let mut s = service(RestartPolicy::No);
        s.restart_on_upgrade = true;
        assert!(unload("l", &s).contains("bootout"));
    }
}
