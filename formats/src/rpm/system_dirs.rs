//! Directories a package must not own.
//!
//! Fedora's packaging guidelines: a package owns the directories it creates
//! for itself (`/etc/hello`, `/usr/share/doc/hello`, `/opt/hello/…`) and
//! none of the system's, which the `filesystem` package (or the package
//! providing that facility) owns. Owning `/usr/bin` would make rpm track
//! and, on removal, try to delete it. The list follows what Fedora's
//! `filesystem` package and a few base packages own.

/// Exact system directories.
const SYSTEM_DIRS: &[&str] = &[
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/etc/X11",
    "/etc/bash_completion.d",
    "/etc/cron.d",
    "/etc/cron.daily",
    "/etc/cron.hourly",
    "/etc/cron.monthly",
    "/etc/cron.weekly",
    "/etc/default",
    "/etc/init.d",
    "/etc/ld.so.conf.d",
    "/etc/logrotate.d",
    "/etc/modprobe.d",
    "/etc/modules-load.d",
    "/etc/opt",
    "/etc/pam.d",
    "/etc/pki",
    "/etc/profile.d",
    "/etc/security",
    "/etc/skel",
    "/etc/sudoers.d",
    "/etc/sysconfig",
    "/etc/sysctl.d",
    "/etc/systemd",
    "/etc/systemd/system",
    "/etc/systemd/user",
    "/etc/tmpfiles.d",
    "/etc/udev",
    "/etc/udev/rules.d",
    "/etc/xdg",
    "/etc/xdg/autostart",
    "/home",
    "/lib",
    "/lib64",
    "/media",
    "/mnt",
    "/opt",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/srv",
    "/sys",
    "/tmp",
    "/usr",
    "/usr/bin",
    "/usr/games",
    "/usr/include",
    "/usr/lib",
    "/usr/lib/debug",
    "/usr/lib/environment.d",
    "/usr/lib/modules-load.d",
    "/usr/lib/pkgconfig",
    "/usr/lib/sysctl.d",
    "/usr/lib/systemd",
    "/usr/lib/systemd/system",
    "/usr/lib/systemd/user",
    "/usr/lib/sysusers.d",
    "/usr/lib/tmpfiles.d",
    "/usr/lib/udev",
    "/usr/lib/udev/rules.d",
    "/usr/lib64",
    "/usr/lib64/pkgconfig",
    "/usr/libexec",
    "/usr/local",
    "/usr/sbin",
    "/usr/share",
    "/usr/share/aclocal",
    "/usr/share/applications",
    "/usr/share/bash-completion",
    "/usr/share/bash-completion/completions",
    "/usr/share/dbus-1",
    "/usr/share/dbus-1/services",
    "/usr/share/dbus-1/system-services",
    "/usr/share/dbus-1/system.d",
    "/usr/share/doc",
    "/usr/share/fish",
    "/usr/share/fish/vendor_completions.d",
    "/usr/share/fonts",
    "/usr/share/glib-2.0",
    "/usr/share/glib-2.0/schemas",
    "/usr/share/help",
    "/usr/share/icons",
    "/usr/share/info",
    "/usr/share/licenses",
    "/usr/share/locale",
    "/usr/share/man",
    "/usr/share/metainfo",
    "/usr/share/mime",
    "/usr/share/mime/packages",
    "/usr/share/pixmaps",
    "/usr/share/pkgconfig",
    "/usr/share/polkit-1",
    "/usr/share/polkit-1/actions",
    "/usr/share/zsh",
    "/usr/share/zsh/site-functions",
    "/usr/src",
    "/var",
    "/var/cache",
    "/var/lib",
    "/var/local",
    "/var/lock",
    "/var/log",
    "/var/mail",
    "/var/opt",
    "/var/run",
    "/var/spool",
    "/var/tmp",
];

/// Whether `dir` (absolute, normalized) belongs to the system rather than
/// to one package.
pub fn is_system_dir(dir: &str) -> bool {
    if dir == "/" || SYSTEM_DIRS.binary_search(&dir).is_ok() {
        return true;
    }
    let parts: Vec<&str> = dir.trim_start_matches('/').split('/').collect();
    match parts.as_slice() {
        // /usr/local mirrors /usr.
        ["usr", "local", rest @ ..] => is_system_dir(&format!("/usr/{}", rest.join("/"))),
        // man1 … man9, mann, man0p, and their translations (/usr/share/man/de/man1).
        ["usr", "share", "man", section] => section.starts_with("man") || is_language(section),
        ["usr", "share", "man", lang, section] => is_language(lang) && section.starts_with("man"),
        // /usr/share/locale/de and /usr/share/locale/de/LC_MESSAGES.
        ["usr", "share", "locale", _] => true,
        ["usr", "share", "locale", _, "LC_MESSAGES"] => true,
        // The icon theme's size and category folders belong to the theme.
        ["usr", "share", "icons", "hicolor", ..] => parts.len() <= 6,
        _ => false,
    }
}

/// `de`, `pt_BR`, `sr@latin`: a translation folder name.
fn is_language(name: &str) -> bool {
    let base = name.split(['_', '@', '.']).next().unwrap_or("");
    (2..=3).contains(&base.len()) && base.chars().all(|c| c.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_for_binary_search() {
        assert!(SYSTEM_DIRS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn system_and_package_directories() {
        for system in [
            "/",
            "/usr",
            "/usr/bin",
            "/usr/share/man/man1",
            "/usr/share/man/de/man8",
            "/usr/share/locale/pt_BR/LC_MESSAGES",
            "/usr/local/bin",
            "/usr/share/icons/hicolor/48x48/apps",
            "/etc",
            "/opt",
        ] {
            assert!(is_system_dir(system), "{system}");
        }
        for own in [
            "/etc/hello",
            "/usr/share/doc/hello",
            "/usr/share/hello",
            "/usr/lib/hello",
            "/opt/hello",
            "/opt/hello/bin",
            "/usr/local/share/hello",
            "/var/lib/hello",
            "/usr/share/man/hello",
        ] {
            assert!(!is_system_dir(own), "{own}");
        }
    }
}
