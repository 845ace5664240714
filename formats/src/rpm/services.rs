//! Services, system users and tmpfiles in an `.rpm`: scriptlets that do
//! what Fedora's macros expand to — `%sysusers_create_package` in `%pre`,
//! `%tmpfiles_create` and `%systemd_post` (preset on first install) in
//! `%post`, `%systemd_preun` (disable --now on erase) in `%preun`,
//! `%systemd_postun_with_restart` (try-restart on upgrade) or
//! `%systemd_postun` in `%postun` — appended to the user's scriptlets (or
//! put at their `#DEBHELPER#` line), and the `Requires(pre/post/preun/postun):
//! systemd` Fedora's packaging guidelines ask for.
//!
//! Like Fedora's macros, nothing starts a service on installation: the
//! distribution's preset policy decides whether it is enabled, and the
//! administrator starts it. A running systemd is only asked to restart when
//! `/run/systemd/system` exists, so installs into image roots stay offline.

use std::borrow::Cow;

use std::fmt::Write as _;

use ::rpm::{Dependency, DependencyFlags};

use crate::error::Result;
use crate::model::{Package, Scripts, Service};
use crate::scripts;

/// The package with its scriptlets merged.
///
/// A package without services is handed back as it is: no copy of its
/// entries.
pub fn with_services(package: &Package) -> Result<Cow<'_, Package>> {
    if package.system.is_empty() {
        return Ok(Cow::Borrowed(package));
    }
    let mut package = package.clone();
    let snippets = snippets(&package);
    let s = &package.scripts;
    package.scripts = Scripts {
        pre_install: scripts::merge(
            "[scripts] pre-install",
            s.pre_install.as_deref(),
            &snippets.pre,
        )?,
        post_install: scripts::merge(
            "[scripts] post-install",
            s.post_install.as_deref(),
            &snippets.post,
        )?,
        pre_remove: scripts::merge(
            "[scripts] pre-remove",
            s.pre_remove.as_deref(),
            &snippets.preun,
        )?,
        post_remove: scripts::merge(
            "[scripts] post-remove",
            s.post_remove.as_deref(),
            &snippets.postun,
        )?,
    };
    Ok(Cow::Owned(package))
}

/// `Requires(…): systemd` for each scriptlet that calls a systemd tool.
pub fn requires(package: &Package) -> Vec<Dependency> {
    let setup = &package.system;
    let units = setup.services.iter().any(|s| s.unit_path.is_some());
    let mut flags = Vec::new();
    if setup.sysusers_path.is_some() {
        flags.push(DependencyFlags::SCRIPT_PRE);
    }
    if units || setup.tmpfiles_path.is_some() {
        flags.push(DependencyFlags::SCRIPT_POST);
    }
    if units {
        flags.push(DependencyFlags::SCRIPT_PREUN);
        flags.push(DependencyFlags::SCRIPT_POSTUN);
    }
    flags
        .into_iter()
        .map(|flag| Dependency {
            name: "systemd".into(),
            flags: flag,
            version: String::new(),
        })
        .collect()
}

#[derive(Default)]
struct Snippets {
    pre: String,
    post: String,
    preun: String,
    postun: String,
}

fn snippets(package: &Package) -> Snippets {
    let setup = &package.system;
    let mut s = Snippets::default();
    if let Some(path) = &setup.sysusers_path {
        let text = package
            .entries
            .iter()
            .find(|e| &e.path == path)
            .and_then(|e| match &e.source {
                crate::model::Source::Bytes(b) => String::from_utf8(b.clone()).ok(),
                _ => None,
            })
            .unwrap_or_default();
        let _ = write!(
            s.pre,
            "# System users (as %sysusers_create_package)\nsystemd-sysusers --replace={path} - <<'VITTE_SYSUSERS' || :\n{text}VITTE_SYSUSERS\n"
        );
    }
    if let Some(path) = &setup.tmpfiles_path {
        let file = path.rsplit('/').next().unwrap_or(path);
        let _ = write!(
            s.post,
            "# Volatile files (as %tmpfiles_create)\nsystemd-tmpfiles --create {file} >/dev/null 2>&1 || :\n"
        );
    }
    let units: Vec<&Service> = setup
        .services
        .iter()
        .filter(|s| s.unit_path.is_some())
        .collect();
    if units.is_empty() {
        return s;
    }
    let all = names(units.iter().copied());
    let enabled = names(units.iter().copied().filter(|s| s.enable));
    if !enabled.is_empty() {
        let _ = write!(
            s.post,
            "# Services (as %systemd_post)\nif [ $1 -eq 1 ] ; then\n\tsystemctl --no-reload preset {enabled} >/dev/null 2>&1 || :\nfi\n"
        );
    }
    let _ = write!(
        s.preun,
        "# Services (as %systemd_preun)\nif [ $1 -eq 0 ] ; then\n\tsystemctl --no-reload disable --now {all} >/dev/null 2>&1 || :\nfi\n"
    );
    let restart = names(units.iter().copied().filter(|s| s.restart_on_upgrade));
    let _ = write!(
        s.postun,
        "# Services (as %systemd_postun)\nif [ $1 -ge 1 ] && [ -d /run/systemd/system ] ; then\n\tsystemctl daemon-reload >/dev/null 2>&1 || :\n"
    );
    if !restart.is_empty() {
        let _ = writeln!(
            s.postun,
            "\tsystemctl try-restart {restart} >/dev/null 2>&1 || :"
        );
    }
    s.postun.push_str("fi\n");
    s
}

fn names<'a>(services: impl Iterator<Item = &'a Service>) -> String {
    let names: Vec<String> = services.map(|s| format!("'{}'", s.unit_name())).collect();
    names.join(" ")
}
