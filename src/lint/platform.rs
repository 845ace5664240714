//! Rules of the Windows Installer (ICE-style) and of the macOS installer.
//! The MSI backend itself refuses what cannot be written (ProductVersion
//! out of range, pre-releases, names outside code page 1252); the pkg
//! backend's own knowledge of protected folders is reused here.

use vitte_buildkit_formats::{EntryKind, Package};

use super::Hit;

/// Windows' MAX_PATH, counting the drive and the terminating NUL.
const MAX_PATH: usize = 260;

/// MSI: paths too long for Windows, configuration files.
pub(crate) fn check_msi(package: &Package, hits: &mut Vec<Hit>) {
    let install_dir = match &package.formats.msi.install_dir {
        Some(dir) => dir.clone(),
        None => match &package.vendor {
            Some(vendor) => format!("{vendor}\\{}", package.name),
            None => package.name.clone(),
        },
    };
    let root = format!("C:\\Program Files\\{install_dir}");
    for entry in &package.entries {
        // The backend drops a leading /usr/local or /usr (docs/msi.md).
        let relative = entry.relative_path();
        let relative = relative
            .strip_prefix("usr/local/")
            .or_else(|| relative.strip_prefix("usr/"))
            .unwrap_or(relative);
        let full = format!("{root}\\{}", relative.replace('/', "\\"));
        if full.chars().count() + 1 > MAX_PATH {
            hits.push(Hit::at(
                "msi-path-too-long",
                &entry.path,
                format!(
                    "installs as `{full}`, {} characters: programs that do not opt in to long paths cannot open it; shorten [msi] install-dir or the path",
                    full.chars().count()
                ),
            ));
        }
        if entry.kind == EntryKind::Config {
            hits.push(Hit::at(
                "msi-config-file",
                &entry.path,
                "Windows Installer has no configuration files: a major upgrade replaces local edits; keep user settings elsewhere (e.g. %ProgramData%)".into(),
            ));
        }
    }
}

/// pkg: protected folders (System Integrity Protection, /private links),
/// configuration files and remove scripts the macOS installer lacks.
pub(crate) fn check_pkg(package: &Package, hits: &mut Vec<Hit>) {
    for entry in &package.entries {
        if let Some(message) = vitte_buildkit_formats::pkg::macos_location_warning(&entry.path) {
            hits.push(Hit {
                rule: "pkg-protected-path",
                only: None,
                path: Some(entry.path.clone()),
                message,
            });
        }
    }
    if let Some(config) = package.entries.iter().find(|e| e.kind == EntryKind::Config) {
        hits.push(Hit::at(
            "pkg-config-file",
            &config.path,
            "the macOS installer has no configuration files; an upgrade overwrites local changes"
                .into(),
        ));
    }
    if package.scripts.pre_remove.is_some() || package.scripts.post_remove.is_some() {
        hits.push(Hit::package(
            "pkg-remove-scripts",
            "[scripts] pre-remove / post-remove: the macOS installer has no uninstall step, so the .pkg leaves them out".into(),
        ));
    }
}
