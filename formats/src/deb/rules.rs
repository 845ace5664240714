//! Debian's rules for names and versions, as dpkg and Debian policy state
//! them (policy §5.6.1, §5.6.12), and the mapping from targets to Debian
//! architecture names. Pure functions: each returns what is wrong, in words
//! the error message can use.

use crate::target::{Arch, Os, Target};

/// The Debian architecture for a Linux target, `None` for any other system.
pub fn deb_arch(target: &Target) -> Option<&'static str> {
    if target.os != Os::Linux {
        return None;
    }
    Some(match target.arch {
        Arch::X86_64 => "amd64",
        Arch::Aarch64 => "arm64",
        Arch::X86 => "i386",
        Arch::Arm => "armhf",
        Arch::Riscv64 => "riscv64",
        Arch::Powerpc64le => "ppc64el",
        Arch::S390x => "s390x",
        Arch::Wasm32 | Arch::Wasm64 | Arch::Universal => return None,
    })
}

/// The targets [`deb_arch`] maps, for error messages.
pub const ACCEPTED: &str = "Linux targets only: x86_64 (amd64), aarch64 (arm64), i686 (i386), \
armv7 (armhf), riscv64gc (riscv64), powerpc64le (ppc64el), s390x (s390x)";

/// Policy §5.6.1: at least two characters, lower-case letters, digits and
/// `+ - .`, starting with a letter or digit.
pub fn check_package_name(name: &str) -> Result<(), String> {
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c));
    let valid_start = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if name.len() >= 2 && valid_chars && valid_start {
        return Ok(());
    }
    Err(format!(
        "`{name}` is not a Debian package name: use at least two characters, lower-case \
letters, digits and + - . only, starting with a letter or digit (e.g. `{}`)",
        suggest_name(name)
    ))
}

fn suggest_name(name: &str) -> String {
    let mut fixed: String = name
        .chars()
        .map(|c| match c {
            '_' | ' ' => '-',
            c => c.to_ascii_lowercase(),
        })
        .filter(|c| c.is_ascii_alphanumeric() || "+-.".contains(*c))
        .collect();
    while fixed.starts_with(['-', '+', '.']) {
        fixed.remove(0);
    }
    if fixed.len() < 2 {
        fixed = "package".into();
    }
    fixed
}

/// A Debian revision (policy §5.6.12): letters, digits and `+ . ~`.
pub fn check_revision(release: &str) -> Result<(), String> {
    if !release.is_empty()
        && release
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.~".contains(c))
    {
        return Ok(());
    }
    Err(format!(
        "release `{release}` is not a Debian revision: use letters, digits and + . ~ only (e.g. `1` or `2.1`)"
    ))
}

/// A whole version as dpkg parses it: `[epoch:]upstream[-revision]`.
pub fn check_version(version: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("`{version}` is not a Debian version: {why}"));
    let rest = match version.split_once(':') {
        Some((epoch, rest)) => {
            if epoch.is_empty() || !epoch.chars().all(|c| c.is_ascii_digit()) {
                return bad("the epoch before `:` must be a number");
            }
            rest
        }
        None => version,
    };
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((upstream, revision)) => (upstream, Some(revision)),
        None => (rest, None),
    };
    if !upstream.starts_with(|c: char| c.is_ascii_digit()) {
        return bad("the upstream version must start with a digit");
    }
    if !upstream
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || ".+~-:".contains(c))
    {
        return bad("the upstream version may hold letters, digits and . + ~ - only");
    }
    if let Some(revision) = revision {
        check_revision(revision).or_else(|_| {
            bad("the revision after the last `-` may hold letters, digits and + . ~ only")
        })?;
    }
    Ok(())
}

/// A package named in a relation: a package name, maybe with an
/// architecture qualifier (`libc6:any`).
pub fn check_relation_name(name: &str) -> Result<(), String> {
    let (package, qualifier) = match name.split_once(':') {
        Some((package, qualifier)) => (package, Some(qualifier)),
        None => (name, None),
    };
    check_package_name(package)?;
    match qualifier {
        Some(q) if q.is_empty() || !q.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') => {
            Err(format!(
                "`{name}`: the architecture qualifier after `:` must be `any`, `native` or an architecture name"
            ))
        }
        _ => Ok(()),
    }
}

/// The priorities dpkg and current policy know (`extra` is obsolete).
pub const PRIORITIES: [&str; 4] = ["required", "important", "standard", "optional"];

/// A section name, optionally with an archive area (`non-free/utils`).
pub fn check_section(section: &str) -> Result<(), String> {
    let parts: Vec<&str> = section.split('/').collect();
    let valid = parts.len() <= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "+-.".contains(c))
        });
    if valid {
        Ok(())
    } else {
        Err(format!(
            "[deb] section `{section}` is not a Debian section: lower-case letters, digits and + - . \
(e.g. `utils`, `devel`, `non-free/net`)"
        ))
    }
}

/// `Name <user@host>`, as the Maintainer field needs it.
pub fn check_maintainer(maintainer: &str) -> Result<(), String> {
    let shape = maintainer
        .strip_suffix('>')
        .and_then(|m| m.rsplit_once('<'))
        .filter(|(name, email)| {
            !name.trim().is_empty() && email.contains('@') && !email.contains(['<', '>', ' '])
        });
    if shape.is_some() && !maintainer.contains(['\n', ',']) {
        Ok(())
    } else {
        Err(format!(
            "maintainer `{maintainer}` must be one `Name <user@example.org>`, without commas, for the Debian Maintainer field"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_follow_policy() {
        for good in ["hello", "libfoo2.0", "g++", "a-b", "0ad"] {
            assert!(check_package_name(good).is_ok(), "{good}");
        }
        for (bad, suggestion) in [
            ("Hello", "`hello`"),
            ("my_tool", "`my-tool`"),
            ("h", "`package`"),
            ("-xy", "`xy`"),
            ("", "`package`"),
        ] {
            let err = check_package_name(bad).unwrap_err();
            assert!(err.contains(suggestion), "{bad}: {err}");
        }
    }

    #[test]
    fn versions_as_dpkg_parses_them() {
        for good in [
            "1.0",
            "1:2.3-4",
            "1.2.3~rc.1-1",
            "2.0+dfsg-1~bpo1",
            "1.0-beta-2",
        ] {
            assert!(check_version(good).is_ok(), "{good}");
        }
        for bad in ["", "a1.0", "x:1.0", "1.0-1_2", "1.0 1", "1.0-", "1.0_1"] {
            assert!(check_version(bad).is_err(), "{bad:?}");
        }
        assert!(check_revision("1_2").is_err());
        assert!(check_revision("").is_err());
        assert!(check_revision("0ubuntu1~22.04").is_ok());
    }

    #[test]
    fn relation_names_take_an_arch_qualifier() {
        assert!(check_relation_name("libc6").is_ok());
        assert!(check_relation_name("python3:any").is_ok());
        assert!(check_relation_name("perl(Foo)").is_err());
        assert!(check_relation_name("/bin/sh").is_err());
        assert!(check_relation_name("foo:").is_err());
    }

    #[test]
    fn sections_and_maintainers() {
        for good in ["utils", "non-free/net", "contrib/devel"] {
            assert!(check_section(good).is_ok(), "{good}");
        }
        for bad in ["Utils", "a/b/c", "", "net/"] {
            assert!(check_section(bad).is_err(), "{bad}");
        }
        assert!(check_maintainer("Jane Doe <jane@example.org>").is_ok());
        for bad in [
            "jane@example.org",
            "<jane@example.org>",
            "Jane <jane>",
            "A <a@b>, B <b@c>",
        ] {
            assert!(check_maintainer(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn linux_targets_map_to_debian_architectures() {
        let cases = [
            ("x86_64-linux", Some("amd64")),
            ("aarch64-unknown-linux-musl", Some("arm64")),
            ("i686-linux", Some("i386")),
            ("armv7-unknown-linux-gnueabihf", Some("armhf")),
            ("riscv64gc-unknown-linux-gnu", Some("riscv64")),
            ("powerpc64le-linux", Some("ppc64el")),
            ("s390x-linux", Some("s390x")),
            ("x86_64-windows", None),
            ("aarch64-macos", None),
            ("wasm32", None),
        ];
        for (text, want) in cases {
            assert_eq!(deb_arch(&Target::parse(text).unwrap()), want, "{text}");
        }
    }
}
