//! RPM's names for things: architectures, the version and release strings,
//! and the character rules rpm applies to names and versions.
//!
//! Pure functions, so the rules are tested here rather than discovered when
//! rpm refuses a package.

use crate::model::Version;
use crate::{Arch, Error, Os, Result, Target};

/// The targets RPM serves, for error messages.
pub const ACCEPTED_TARGETS: &str = "Linux targets: x86_64, i686, aarch64, armv7, riscv64, \
powerpc64le, s390x (rpm arch x86_64, i686, aarch64, armv7hl, riscv64, ppc64le, s390x)";

/// The rpm architecture of a Linux target; `None` for anything else.
pub fn rpm_arch(target: &Target) -> Option<&'static str> {
    if target.os != Os::Linux {
        return None;
    }
    Some(match target.arch {
        Arch::X86_64 => "x86_64",
        Arch::X86 => "i686",
        Arch::Aarch64 => "aarch64",
        Arch::Arm => "armv7hl",
        Arch::Riscv64 => "riscv64",
        Arch::Powerpc64le => "ppc64le",
        Arch::S390x => "s390x",
        Arch::Wasm32 | Arch::Wasm64 | Arch::Universal => return None,
    })
}

/// The RPM Version tag: the upstream version with a pre-release after `~`
/// (so `1.2.3~rc.1` sorts before `1.2.3`) and build metadata after `+`.
/// Semver allows `-` inside a pre-release, which RPM reserves for the
/// release separator; it becomes `_`, which rpm's comparison treats alike.
pub fn rpm_version(version: &Version) -> String {
    version.upstream_tilde().replace('-', "_")
}

/// Checks a package name the way rpm does, a little stricter: letters,
/// digits and `. _ + -`, starting with a letter, digit or `_`.
pub fn check_name(name: &str) -> Result<()> {
    let first_ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    if !first_ok
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._+-".contains(c))
    {
        return Err(Error::Invalid(format!(
            "[package] name `{name}` is not a valid RPM name: use letters, digits and . _ + - only, starting with a letter or digit"
        )));
    }
    Ok(())
}

/// Characters rpm accepts in a Version or Release besides letters and digits.
const VERSION_CHARS: &str = "._+~^";

/// Checks a Release (or a Version) string: no `-`, no space, not empty.
pub fn check_version_part(what: &str, value: &str) -> Result<()> {
    if value.is_empty()
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || VERSION_CHARS.contains(c))
    {
        return Err(Error::Invalid(format!(
            "{what} `{value}` is not valid for RPM: use letters, digits and . _ + ~ ^ only (no `-`, which separates version and release)"
        )));
    }
    Ok(())
}

/// Checks the version in a relation: `[EPOCH:]VERSION[-RELEASE]`.
pub fn check_evr(what: &str, evr: &str) -> Result<()> {
    let (epoch, rest) = match evr.split_once(':') {
        Some((e, r)) => (Some(e), r),
        None => (None, evr),
    };
    let bad = || {
        Error::Invalid(format!(
            "{what}: version `{evr}` is not an RPM version: expected [EPOCH:]VERSION[-RELEASE] with letters, digits and . _ + ~ ^"
        ))
    };
    if epoch.is_some_and(|e| e.is_empty() || !e.chars().all(|c| c.is_ascii_digit())) {
        return Err(bad());
    }
    let (version, release) = match rest.split_once('-') {
        Some((v, r)) => (v, Some(r)),
        None => (rest, None),
    };
    for part in std::iter::once(version).chain(release) {
        if check_version_part(what, part).is_err() {
            return Err(bad());
        }
    }
    Ok(())
}

/// Refuses control characters (rpm and repository metadata choke on them);
/// `multi_line` allows newlines and tabs.
pub fn check_text(what: &str, value: &str, multi_line: bool) -> Result<()> {
    let allowed = |c: char| multi_line && (c == '\n' || c == '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(Error::Invalid(format!(
            "{what} holds a control character{}; remove it",
            if multi_line { "" } else { " or a line break" }
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(text: &str) -> Version {
        Version {
            upstream: semver::Version::parse(text).unwrap(),
            epoch: None,
            release: "1".into(),
        }
    }

    #[test]
    fn linux_targets_map_to_rpm_arches() {
        let cases = [
            ("x86_64-linux", Some("x86_64")),
            ("i686-linux", Some("i686")),
            ("aarch64-unknown-linux-musl", Some("aarch64")),
            ("armv7-unknown-linux-gnueabihf", Some("armv7hl")),
            ("riscv64gc-unknown-linux-gnu", Some("riscv64")),
            ("powerpc64le-linux", Some("ppc64le")),
            ("s390x-linux", Some("s390x")),
            ("x86_64-windows", None),
            ("aarch64-macos", None),
            ("wasm32", None),
        ];
        for (text, want) in cases {
            assert_eq!(rpm_arch(&Target::parse(text).unwrap()), want, "{text}");
        }
    }

    #[test]
    fn versions_map_pre_releases_to_tilde() {
        assert_eq!(rpm_version(&version("1.2.3")), "1.2.3");
        assert_eq!(rpm_version(&version("1.2.3-rc.1")), "1.2.3~rc.1");
        assert_eq!(rpm_version(&version("1.0.0-x-y.2")), "1.0.0~x_y.2");
        assert_eq!(rpm_version(&version("1.0.0+build.5")), "1.0.0+build.5");
        for text in ["1.2.3-rc.1", "1.0.0-x-y.2", "2.0.0-alpha+b-7"] {
            check_version_part("version", &rpm_version(&version(text))).unwrap();
        }
    }

    #[test]
    fn names_and_releases_follow_rpm_rules() {
        for good in ["hello", "lib_x-2.0", "g++", "_private"] {
            check_name(good).unwrap();
        }
        for bad in ["", "-x", ".x", "a b", "a/b", "héllo", "a%{x}"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        for good in ["1", "2.el9", "0.1~rc1", "3^git"] {
            check_version_part("release", good).unwrap();
        }
        for bad in ["", "1-2", "1 2", "a:b"] {
            assert!(check_version_part("release", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn relation_versions_are_evr() {
        for good in ["1.0", "2:1.0", "1.0-3.el9", "1:2.0~rc1-1"] {
            check_evr("x", good).unwrap();
        }
        for bad in ["", ":1", "a:1", "1-2-3", "1.0-", "1 0"] {
            assert!(check_evr("x", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn control_characters_are_refused() {
        check_text("summary", "Greets", false).unwrap();
        assert!(check_text("summary", "two\nlines", false).is_err());
        check_text("description", "one\n\ntwo\tcols", true).unwrap();
        assert!(check_text("description", "bell\u{7}", true).is_err());
    }
}
