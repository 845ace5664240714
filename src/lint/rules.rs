//! Every lint rule: its id, its level per format, the lintian / rpmlint
//! tags it stands for, and a one-line doc. docs/lint.md explains each.

use serde::Serialize;

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Stops the build (with `--lint deny`, the default).
    Error,
    /// Reported; the build goes on.
    Warning,
    /// Reported with `-v` or in JSON.
    Info,
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        })
    }
}

/// One rule of the gate.
#[derive(Debug, Serialize)]
pub struct Rule {
    pub id: &'static str,
    /// The formats the rule concerns, each with its level there.
    pub levels: &'static [(&'static str, Level)],
    /// The lintian tags the rule catches before lintian runs.
    pub lintian: &'static [&'static str],
    /// The rpmlint tags the rule catches before rpmlint runs.
    pub rpmlint: &'static [&'static str],
    pub doc: &'static str,
}

impl Rule {
    /// The rule's level for `format`, if it concerns that format.
    pub fn level(&self, format: &str) -> Option<Level> {
        self.levels
            .iter()
            .find(|(f, _)| *f == format)
            .map(|(_, l)| *l)
    }
}

use Level::{Error as E, Info as I, Warning as W};

const fn rule(
    id: &'static str,
    levels: &'static [(&'static str, Level)],
    lintian: &'static [&'static str],
    rpmlint: &'static [&'static str],
    doc: &'static str,
) -> Rule {
    Rule {
        id,
        levels,
        lintian,
        rpmlint,
        doc,
    }
}

/// Every rule, by area.
pub const RULES: &[Rule] = &[
    // Where files go (FHS, Debian policy ch. 9, Fedora guidelines).
    rule("file-in-usr-local", &[("deb", E), ("rpm", E)], &["file-in-usr-local", "dir-in-usr-local"], &["dir-or-file-in-usr-local"],
        "/usr/local belongs to the administrator; install under /usr"),
    rule("file-in-opt", &[("deb", E), ("rpm", E)], &["dir-or-file-in-opt"], &["dir-or-file-in-opt"],
        "/opt is for add-on software outside the distribution; install under /usr"),
    rule("file-in-home", &[("deb", E), ("rpm", E)], &["dir-or-file-in-home"], &["dir-or-file-in-home"],
        "packages never install into /home or /root"),
    rule("file-in-tmp", &[("deb", E), ("rpm", E)], &["dir-or-file-in-tmp"], &["dir-or-file-in-tmp", "dir-or-file-in-var-tmp"],
        "/tmp and /var/tmp are emptied by the system; create files at run time"),
    rule("file-in-mnt", &[("deb", E), ("rpm", E)], &["dir-or-file-in-mnt"], &["dir-or-file-in-mnt"],
        "/mnt is for temporary mounts by the administrator"),
    rule("file-in-srv", &[("deb", E)], &["dir-or-file-in-srv"], &[],
        "/srv layout is the site's choice; ship defaults under /usr/share"),
    rule("file-in-run", &[("deb", E), ("rpm", E)], &["dir-or-file-in-run", "dir-or-file-in-var-run", "dir-or-file-in-var-lock"],
        &["dir-or-file-in-var-run", "dir-or-file-in-var-lock"],
        "/run, /var/run and /var/lock are tmpfs; create them at boot with tmpfiles.d"),
    rule("non-ghost-in-run", &[("rpm", W)], &[], &["non-ghost-in-run"],
        "rpm: a file under /run in the payload; create it at boot with tmpfiles.d"),
    rule("file-in-var-log", &[("deb", W), ("rpm", E)], &["file-in-unusual-dir"], &["non-ghost-file"],
        "log files are created by the program; mark a placeholder [rpm] ghost"),
    rule("file-in-unusual-dir", &[("deb", W)], &["file-in-unusual-dir"], &[],
        "a file outside the FHS folders Debian expects (/usr/bin, /usr/share, /usr/lib, /etc, /var/lib, …)"),
    rule("non-multi-arch-lib-dir", &[("deb", W)], &["non-multi-arch-lib-dir"], &[],
        "Debian uses /usr/lib/<triplet>, not /usr/lib64"),
    rule("noarch-with-lib64", &[("rpm", E)], &[], &["noarch-with-lib64"],
        "an architecture-independent (noarch) package cannot own /usr/lib64"),
    // Modes and owners.
    rule("elevated-privileges", &[("deb", W), ("rpm", E)], &["elevated-privileges"], &["setuid-binary", "setgid-binary", "non-standard-executable-perm"],
        "setuid/setgid files need a security review; drop the bit or allow the rule"),
    rule("world-writable", &[("deb", W), ("rpm", E)], &["non-standard-file-perm", "non-standard-dir-perm"], &["world-writable"],
        "world-writable files and folders without the sticky bit let any user change them"),
    rule("non-standard-dir-perm", &[("deb", W), ("rpm", E)], &["non-standard-dir-perm"], &["non-standard-dir-perm"],
        "folders are 0755"),
    rule("non-standard-file-perm", &[("deb", W)], &["non-standard-file-perm"], &[],
        "files are 0644, or 0755 when executable"),
    rule("non-readable", &[("deb", W), ("rpm", E)], &["non-standard-file-perm"], &["non-readable"],
        "a file others cannot read breaks rpm --verify for users; use 0644"),
    rule("wrong-file-owner", &[("deb", E), ("rpm", W)], &["wrong-file-owner-uid-or-gid"], &["non-standard-uid", "non-standard-gid"],
        "files belong to root unless a system user made by the package owns them"),
    // Configuration files and documentation.
    rule("conffile-outside-etc", &[("deb", E), ("rpm", W)], &["non-etc-file-marked-as-conffile", "file-in-usr-marked-as-conffile"],
        &["non-etc-or-var-file-marked-as-conffile"], "configuration files live under /etc"),
    rule("etc-file-not-conffile", &[("rpm", W)], &[], &["non-conffile-in-etc"],
        "a file under /etc should be kind = \"config\" so upgrades keep local edits"),
    rule("executable-conffile", &[("rpm", E)], &[], &["executable-marked-as-config-file"],
        "a configuration file is not a program; use mode 0644"),
    rule("executable-in-doc", &[("deb", E), ("rpm", E)], &["executable-in-usr-share-doc"], &["spurious-executable-perm", "executable-docs"],
        "documentation is not executable; use mode 0644"),
    rule("no-documentation", &[("rpm", W)], &[], &["no-documentation"],
        "no doc, license or man page entry at all"),
    rule("no-manual-page", &[("deb", W), ("rpm", W)], &["no-manual-page"], &["no-manual-page-for-binary"],
        "every program in PATH has a man page under /usr/share/man"),
    rule("wrong-manual-section", &[("deb", W)], &["wrong-manual-section"], &[],
        "a man page's .TH section matches its manN folder"),
    rule("only-non-binary-in-usr-lib", &[("rpm", W)], &[], &["only-non-binary-in-usr-lib"],
        "/usr/lib without any binary: the data belongs under /usr/share"),
    rule("log-files-without-logrotate", &[("rpm", W)], &[], &["log-files-without-logrotate"],
        "a file under /var/log needs an /etc/logrotate.d entry"),
    rule("uncompressed-manual-page", &[("deb", E)], &["uncompressed-manual-page"], &[],
        "man pages are installed gzip-compressed (.gz)"),
    // Scripts and executables.
    rule("executable-not-elf-or-script", &[("deb", W)], &["executable-not-elf-or-script"], &[],
        "an executable file that is neither a binary nor starts with #!"),
    rule("script-without-shebang", &[("rpm", E)], &[], &["script-without-shebang"],
        "an executable text file without a #! line"),
    rule("script-not-executable", &[("deb", W), ("rpm", E)], &["script-not-executable"], &["non-executable-script"],
        "a file starting with #! outside the docs is meant to run; use mode 0755"),
    rule("wrong-script-interpreter", &[("deb", E), ("rpm", E)], &["interpreter-in-usr-local", "wrong-path-for-interpreter", "interpreter-not-absolute"],
        &["wrong-script-interpreter"], "#! names an interpreter by a relative path or under /usr/local"),
    rule("arch-independent-with-binary", &[("deb", E), ("rpm", E)], &["arch-independent-package-contains-binary-or-object"],
        &["arch-independent-package-contains-binary-or-object"],
        "an ELF file in a package built as all/noarch"),
    rule("interpreter-without-dependency", &[("deb", E)], &["python3-script-but-no-python3-dep", "missing-dep-for-interpreter"], &[],
        "a script run by an interpreter the package does not depend on"),
    rule("maintainer-script-ignores-errors", &[("deb", W)], &["maintainer-script-ignores-errors"], &[],
        "a /bin/sh maintainer script without `set -e` goes on after a failed command"),
    rule("maintscript-calls-ldconfig", &[("deb", W)], &["maintscript-calls-ldconfig"], &[],
        "dpkg triggers run ldconfig; remove the call"),
    // Odd files.
    rule("zero-length", &[("rpm", E)], &[], &["zero-length"], "an empty file is usually a build mistake"),
    rule("hidden-file", &[("rpm", W)], &[], &["hidden-file-or-dir"], "a file or folder whose name starts with a dot"),
    rule("backup-file", &[("deb", W), ("rpm", E)], &["backup-file-in-package"], &["backup-file-in-package"],
        "editor or patch leftovers (`~`, `.orig`, `.rej`, `.bak`)"),
    rule("symlink-should-be-relative", &[("deb", W), ("rpm", W)], &["absolute-symlink-in-top-level-folder", "symlink-should-be-relative"],
        &["symlink-should-be-relative"], "a link within one top-level folder is relative"),
    rule("dangling-relative-symlink", &[("rpm", W)], &[], &["dangling-relative-symlink"],
        "a relative link whose target the package does not install"),
    rule("empty-package", &[("deb", W)], &["empty-binary-package"], &[], "the package installs nothing"),
    // Control data.
    rule("summary-too-long", &[("deb", W), ("rpm", E)], &["synopsis-too-long"], &["summary-too-long"],
        "the summary fits in 79 characters"),
    rule("summary-ended-with-dot", &[("rpm", W)], &[], &["summary-ended-with-dot"], "the summary is not a sentence"),
    rule("summary-not-capitalized", &[("rpm", W)], &[], &["summary-not-capitalized"], "the summary starts with a capital letter"),
    rule("summary-starts-with-name", &[("deb", E), ("rpm", W)], &["description-starts-with-package-name"], &["name-repeated-in-summary"],
        "the summary does not repeat the package name"),
    rule("summary-starts-with-article", &[("deb", W)], &["description-synopsis-starts-with-article"], &[],
        "the summary does not start with a, an or the"),
    rule("description-empty", &[("deb", E), ("rpm", E)], &["extended-description-is-empty"], &["no-description-tag"],
        "a description longer than the summary"),
    rule("description-line-too-long", &[("rpm", E)], &[], &["description-line-too-long"], "description lines fit in 79 characters"),
    rule("description-shorter-than-summary", &[("rpm", W)], &[], &["description-shorter-than-summary"],
        "the description says more than the summary"),
    rule("no-url-tag", &[("rpm", W)], &[], &["no-url-tag"], "set [package] homepage"),
    rule("homepage-not-url", &[("deb", W), ("rpm", W)], &["bad-homepage"], &["invalid-url"], "the homepage is an http(s):// URL"),
    rule("bogus-mail-host", &[("deb", E)], &["bogus-mail-host", "bogus-mail-host-in-debian-changelog"], &[],
        "the maintainer's address has a real mail host"),
    rule("no-group-tag", &[("rpm", W)], &[], &["no-group-tag"], "set [rpm] group (rpmlint on Debian still asks for it)"),
    // Relations.
    rule("depends-on-essential", &[("deb", E)], &["depends-on-essential-package-without-using-version"], &[],
        "essential packages are always installed; drop the dependency or give a version"),
    rule("relation-with-self", &[("deb", W)], &["package-relation-with-self"], &[], "a package does not name itself in its relations"),
    rule("explicit-lib-dependency", &[("rpm", E)], &[], &["explicit-lib-dependency"],
        "rpm finds library dependencies itself; depend on the soname, or drop it"),
    rule("obsolete-not-provided", &[("rpm", W)], &[], &["obsolete-not-provided"],
        "a package that obsoletes another also provides it, so dependants keep working"),
    // Windows Installer (ICE-style) and the macOS installer.
    rule("msi-path-too-long", &[("msi", W)], &[], &[], "an installed path longer than 260 characters (MAX_PATH)"),
    rule("msi-config-file", &[("msi", I)], &[], &[], "Windows Installer has no configuration files: upgrades replace them"),
    rule("pkg-protected-path", &[("pkg", W)], &[], &[], "System Integrity Protection or /private folders on macOS"),
    rule("pkg-config-file", &[("pkg", W)], &[], &[], "the macOS installer has no configuration files: upgrades overwrite local changes"),
    rule("pkg-remove-scripts", &[("pkg", W)], &[], &[], "the macOS installer has no uninstall step for remove scripts"),
];

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_documented() {
        let doc = include_str!("../../docs/lint.md");
        for (i, rule) in RULES.iter().enumerate() {
            assert!(
                RULES[..i].iter().all(|r| r.id != rule.id),
                "{} twice",
                rule.id
            );
            assert!(!rule.levels.is_empty(), "{}", rule.id);
            assert!(
                doc.contains(&format!("`{}`", rule.id)),
                "docs/lint.md lacks `{}`",
                rule.id
            );
        }
    }
}
