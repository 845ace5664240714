//! Services, system users and tmpfiles in a `.deb`: the maintainer-script
//! snippets that `dh_installsysusers`, `dh_installtmpfiles` and
//! `dh_installsystemd` would generate, merged into the user's scripts in
//! debhelper's order (postinst: users, tmpfiles, enable, start; prerm:
//! stop; postrm: reload, purge), plus the Depends debhelper adds.
//!
//! The unit, sysusers.d and tmpfiles.d files themselves are entries the
//! manifest layer generated. The snippets honour `DPKG_ROOT` as debhelper's
//! do: users and tmpfiles go to `--root="$DPKG_ROOT"`, `deb-systemd-helper`
//! reads it itself, and nothing talks to a running systemd then.

use std::borrow::Cow;

use std::fmt::Write as _;

use crate::error::Result;
use crate::model::{Package, Relation, Service};
use crate::scripts;

/// The `if` that opens every postinst snippet: dpkg's configure paths.
const CONFIGURE: &str = "if [ \"$1\" = \"configure\" ] || [ \"$1\" = \"abort-upgrade\" ] || [ \"$1\" = \"abort-deconfigure\" ] || [ \"$1\" = \"abort-remove\" ] ; then";

/// True when the script may talk to the running systemd: not in a
/// chrootless DPKG_ROOT install, and systemd is pid 1.
const LIVE: &str = "[ -z \"${DPKG_ROOT:-}\" ] && [ -d /run/systemd/system ]";

/// What sysusers needs; the same alternatives debhelper adds to Depends.
const SYSUSERS_DEPENDS: &str = "systemd | systemd-standalone-sysusers | systemd-sysusers";

/// The package with its scripts merged and the Depends it needs added.
///
/// A package without services is handed back as it is: no copy of its
/// entries.
pub fn with_services(package: &Package) -> Result<Cow<'_, Package>> {
    if package.system.is_empty() {
        return Ok(Cow::Borrowed(package));
    }
    let mut package = package.clone();
    let snippets = Snippets::of(&package);
    let s = &package.scripts;
    let merged = crate::model::Scripts {
        pre_install: scripts::merge("[scripts] pre-install", s.pre_install.as_deref(), "")?,
        post_install: scripts::merge(
            "[scripts] post-install",
            s.post_install.as_deref(),
            &snippets.postinst,
        )?,
        pre_remove: scripts::merge(
            "[scripts] pre-remove",
            s.pre_remove.as_deref(),
            &snippets.prerm,
        )?,
        post_remove: scripts::merge(
            "[scripts] post-remove",
            s.post_remove.as_deref(),
            &snippets.postrm,
        )?,
    };
    if package.system.sysusers_path.is_some() {
        let sysusers = Relation::parse(SYSUSERS_DEPENDS).map_err(crate::Error::Invalid)?;
        let depends = &mut package.relations.depends;
        if !depends.contains(&sysusers) {
            depends.push(sysusers.clone());
        }
        if let Some(over) = &mut package.formats.deb.relations.depends {
            if !over.contains(&sysusers) {
                over.push(sysusers);
            }
        }
    }
    package.scripts = merged;
    Ok(Cow::Owned(package))
}

/// The generated text of each script.
#[derive(Default)]
struct Snippets {
    postinst: String,
    prerm: String,
    postrm: String,
}

impl Snippets {
    fn of(package: &Package) -> Self {
        let setup = &package.system;
        let mut s = Snippets::default();
        if let Some(path) = &setup.sysusers_path {
            let file = basename(path);
            let _ = write!(
                s.postinst,
                "# System users (as dh_installsysusers)\n{CONFIGURE}\n\tsystemd-sysusers ${{DPKG_ROOT:+--root=\"$DPKG_ROOT\"}} {file}\nfi\n"
            );
        }
        if let Some(path) = &setup.tmpfiles_path {
            let file = basename(path);
            let _ = write!(
                s.postinst,
                "# Volatile files (as dh_installtmpfiles)\n{CONFIGURE}\n\tif [ -x \"$(command -v systemd-tmpfiles)\" ]; then\n\t\tsystemd-tmpfiles ${{DPKG_ROOT:+--root=\"$DPKG_ROOT\"}} --create {file} >/dev/null || true\n\tfi\nfi\n"
            );
        }
        let units: Vec<&Service> = setup
            .services
            .iter()
            .filter(|s| s.unit_path.is_some())
            .collect();
        for service in &units {
            s.postinst.push_str(&enable(service));
        }
        for service in &units {
            s.postinst.push_str(&start(service));
            s.prerm.push_str(&stop(service));
        }
        if !units.is_empty() {
            let names = unit_names(&units);
            let _ = write!(
                s.postrm,
                "# Services (as dh_installsystemd)\nif [ \"$1\" = remove ] && {LIVE} ; then\n\tsystemctl --system daemon-reload >/dev/null || true\nfi\nif [ \"$1\" = \"purge\" ]; then\n\tif [ -x \"/usr/bin/deb-systemd-helper\" ]; then\n\t\tdeb-systemd-helper purge {names} >/dev/null || true\n\tfi\nfi\n"
            );
        }
        s
    }
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn unit_names(units: &[&Service]) -> String {
    let names: Vec<String> = units.iter().map(|s| quote(&s.unit_name())).collect();
    names.join(" ")
}

/// A unit name as one shell word (names are checked to be plain, but the
/// quotes cost nothing).
fn quote(word: &str) -> String {
    format!("'{word}'")
}

/// Enable on first install (or keep the admin's choice), as
/// `dh_installsystemd`; `enable = false` only records the state.
fn enable(service: &Service) -> String {
    let unit = quote(&service.unit_name());
    if service.enable {
        format!(
            "# Enable {unit} (as dh_installsystemd)\n{CONFIGURE}\n\tdeb-systemd-helper unmask {unit} >/dev/null || true\n\tif deb-systemd-helper --quiet was-enabled {unit}; then\n\t\tdeb-systemd-helper enable {unit} >/dev/null || true\n\telse\n\t\tdeb-systemd-helper update-state {unit} >/dev/null || true\n\tfi\nfi\n"
        )
    } else {
        format!(
            "# Register {unit}, not enabled (as dh_installsystemd --no-enable)\n{CONFIGURE}\n\tif deb-systemd-helper debian-installed {unit}; then\n\t\tdeb-systemd-helper unmask {unit} >/dev/null || true\n\t\tif deb-systemd-helper --quiet was-enabled {unit}; then\n\t\t\tdeb-systemd-helper enable {unit} >/dev/null || true\n\t\tfi\n\tfi\n\tdeb-systemd-helper update-state {unit} >/dev/null || true\nfi\n"
        )
    }
}

/// Start on install; on upgrade restart, or with `restart-on-upgrade =
/// false` only start (a running service keeps running the old program).
fn start(service: &Service) -> String {
    let unit = quote(&service.unit_name());
    let head = format!("# Start {unit} (as dh_installsystemd)\n{CONFIGURE}\n\tif {LIVE}; then\n\t\tsystemctl --system daemon-reload >/dev/null || true\n");
    let body = match (service.start, service.restart_on_upgrade) {
        (true, true) => format!("\t\tif [ -n \"$2\" ]; then\n\t\t\t_vb_action=restart\n\t\telse\n\t\t\t_vb_action=start\n\t\tfi\n\t\tdeb-systemd-invoke $_vb_action {unit} >/dev/null || true\n"),
        (false, true) => format!("\t\tif [ -n \"$2\" ]; then\n\t\t\tdeb-systemd-invoke try-restart {unit} >/dev/null || true\n\t\tfi\n"),
        (true, false) => format!("\t\tdeb-systemd-invoke start {unit} >/dev/null || true\n"),
        (false, false) => String::new(),
    };
    format!("{head}{body}\tfi\nfi\n")
}

/// Stop before removal only: on upgrade the service is either restarted by
/// the new postinst or kept running (`restart-on-upgrade = false`), as
/// `dh_installsystemd` does without and with `--no-stop-on-upgrade`.
fn stop(service: &Service) -> String {
    let unit = quote(&service.unit_name());
    format!(
        "# Stop {unit} (as dh_installsystemd)\nif {LIVE} && [ \"$1\" = remove ] ; then\n\tdeb-systemd-invoke stop {unit} >/dev/null || true\nfi\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RestartPolicy;

    fn service(start: bool, restart: bool) -> Service {
        Service {
            name: "d".into(),
            description: "d".into(),
            exec: Some(vec!["/usr/bin/d".into()]),
            user: None,
            group: None,
            restart: RestartPolicy::OnFailure,
            after: vec![],
            wants: vec![],
            environment: vec![],
            working_directory: None,
            enable: true,
            start,
            restart_on_upgrade: restart,
            unit_path: Some("/usr/lib/systemd/system/d.service".into()),
            windows_account: None,
        }
    }

    #[test]
    fn no_restart_on_upgrade_never_says_restart() {
        assert!(start(&service(true, true)).contains("_vb_action=restart"));
        assert!(!start(&service(true, false)).contains("restart"));
        assert!(!start(&service(false, false)).contains("deb-systemd-invoke"));
        assert!(start(&service(false, true)).contains("try-restart"));
    }
}
