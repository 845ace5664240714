//! Rules about the control data: summary, description, homepage,
//! maintainer, relations and maintainer scripts.

use vitte_buildkit_formats::Package;

use super::Hit;

/// Debian's essential packages (bookworm): always installed, so an
/// unversioned dependency on one says nothing.
const ESSENTIAL: &[&str] = &[
    "base-files",
    "base-passwd",
    "bash",
    "bsdutils",
    "coreutils",
    "dash",
    "debianutils",
    "diffutils",
    "dpkg",
    "findutils",
    "grep",
    "gzip",
    "hostname",
    "init-system-helpers",
    "libc-bin",
    "login",
    "ncurses-base",
    "ncurses-bin",
    "perl-base",
    "sed",
    "sysvinit-utils",
    "tar",
    "util-linux",
];

/// Checks the package's own fields.
pub(crate) fn check(package: &Package, hits: &mut Vec<Hit>) {
    summary(package, hits);
    description(package, hits);
    addresses(package, hits);
    relations(package, hits);
    scripts(package, hits);
    if package.formats.rpm.group.is_none() {
        hits.push(Hit::package(
            "no-group-tag",
            "no [rpm] group; add e.g. `group = \"Applications/System\"` under [rpm]".into(),
        ));
    }
}

fn summary(package: &Package, hits: &mut Vec<Hit>) {
    let s = package.summary.as_str();
    let chars = s.chars().count();
    if chars > 79 {
        let hit = Hit::package(
            "summary-too-long",
            format!("[package] summary has {chars} characters; keep it under 80 and move the rest to description"),
        );
        hits.push(if chars > 80 { hit } else { hit.only(&["rpm"]) });
    }
    if s.ends_with('.') && !s.ends_with("...") {
        hits.push(Hit::package(
            "summary-ended-with-dot",
            "[package] summary ends with a period; drop it".into(),
        ));
    }
    if s.starts_with(|c: char| c.is_lowercase()) {
        hits.push(Hit::package(
            "summary-not-capitalized",
            "[package] summary starts with a lower-case letter; capitalize it".into(),
        ));
    }
    let first = s.split_whitespace().next().unwrap_or("").to_lowercase();
    let name = package.name.to_lowercase();
    if first == name {
        hits.push(Hit::package(
            "summary-starts-with-name",
            format!("[package] summary starts with the package name `{}`; say what it does instead (\"Prints …\")", package.name),
        ));
    }
    if ["a", "an", "the"].contains(&first.as_str()) {
        hits.push(Hit::package(
            "summary-starts-with-article",
            format!("[package] summary starts with `{first}`; drop the article"),
        ));
    }
}

fn description(package: &Package, hits: &mut Vec<Hit>) {
    let d = package.description.trim();
    if d.is_empty() {
        hits.push(Hit::package(
            "description-empty",
            "[package] description is empty; describe the package in a sentence or more".into(),
        ));
        return;
    }
    if d == package.summary.trim() {
        hits.push(
            Hit::package(
                "description-empty",
                "[package] description only repeats the summary, so the .deb has no long description; say more".into(),
            )
            .only(&["deb"]),
        );
    }
    if d.chars().count() < package.summary.chars().count() {
        hits.push(Hit::package(
            "description-shorter-than-summary",
            "[package] description is shorter than the summary; say more".into(),
        ));
    }
    if let Some(line) = d.lines().find(|l| l.chars().count() > 79) {
        hits.push(Hit::package(
            "description-line-too-long",
            format!(
                "[package] description has a line of {} characters; wrap it at 79 (rpm shows it as written)",
                line.chars().count()
            ),
        ));
    }
}

fn addresses(package: &Package, hits: &mut Vec<Hit>) {
    match &package.homepage {
        None => hits.push(Hit::package(
            "no-url-tag",
            "no [package] homepage; add the project's URL".into(),
        )),
        Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => {
            hits.push(Hit::package(
                "homepage-not-url",
                format!("[package] homepage `{url}` is not an http(s) URL; write https://{url}"),
            ))
        }
        Some(_) => {}
    }
    let host = package
        .maintainer
        .rsplit_once('@')
        .map(|(_, h)| h.trim_end_matches('>').to_lowercase());
    if let Some(host) = host {
        if host == "localhost" || host.ends_with(".localdomain") || !host.contains('.') {
            hits.push(Hit::package(
                "bogus-mail-host",
                format!("[package] maintainer `{}` has no real mail host (`{host}`); give an address people can write to", package.maintainer),
            ));
        }
    }
}

fn relations(package: &Package, hits: &mut Vec<Hit>) {
    let deb = package.relations_for("deb");
    for dep in deb
        .depends
        .iter()
        .chain(&deb.pre_depends)
        .flat_map(|r| &r.alternatives)
    {
        if dep.constraint.is_none() && ESSENTIAL.contains(&dep.name.as_str()) {
            hits.push(Hit::package(
                "depends-on-essential",
                format!("[relations] depends on `{}`, an essential package that is always installed; remove it, or give the minimum version you need", dep.name),
            ));
        }
    }
    let lists = [
        &deb.depends,
        &deb.pre_depends,
        &deb.recommends,
        &deb.suggests,
        &deb.breaks,
    ];
    if lists
        .iter()
        .flat_map(|l| l.iter())
        .flat_map(|r| &r.alternatives)
        .any(|d| d.name == package.name)
    {
        hits.push(Hit::package(
            "relation-with-self",
            format!(
                "[relations] names the package itself (`{}`); remove it",
                package.name
            ),
        ));
    }
    let rpm = package.relations_for("rpm");
    for dep in rpm
        .depends
        .iter()
        .chain(&rpm.pre_depends)
        .flat_map(|r| &r.alternatives)
    {
        let lib =
            dep.name.starts_with("lib") && !dep.name.ends_with("-devel") && !dep.name.contains('(');
        if lib {
            hits.push(Hit::package(
                "explicit-lib-dependency",
                format!("[relations] depends on the library package `{}`; rpm finds library dependencies from the binaries, so remove it (or put it under [deb.relations])", dep.name),
            ));
        }
    }
    for obsolete in rpm.obsoletes.iter().flat_map(|r| &r.alternatives) {
        let provided = rpm
            .provides
            .iter()
            .flat_map(|r| &r.alternatives)
            .any(|p| p.name == obsolete.name);
        if !provided {
            hits.push(Hit::package(
                "obsolete-not-provided",
                format!(
                    "[relations] obsoletes `{0}` without providing it; add `{0}` to provides",
                    obsolete.name
                ),
            ));
        }
    }
}

fn scripts(package: &Package, hits: &mut Vec<Hit>) {
    let s = &package.scripts;
    for (key, text) in [
        ("pre-install", &s.pre_install),
        ("post-install", &s.post_install),
        ("pre-remove", &s.pre_remove),
        ("post-remove", &s.post_remove),
    ] {
        let Some(text) = text else { continue };
        let first = text.lines().next().unwrap_or("");
        let shell = first.starts_with("#!/bin/sh") || first.starts_with("#!/bin/bash");
        let sets_e = first
            .split_whitespace()
            .skip(1)
            .any(|a| a.starts_with('-') && a.contains('e'))
            || text.lines().any(|l| {
                let l = l.trim();
                l.starts_with("set ")
                    && l.split_whitespace()
                        .any(|a| a.starts_with('-') && a.contains('e'))
            });
        if shell && !sets_e {
            hits.push(Hit::package(
                "maintainer-script-ignores-errors",
                format!("[scripts] {key} goes on after a failed command; add `set -e` after the #! line"),
            ));
        }
        let calls_ldconfig = text.lines().any(|l| {
            let l = l.split('#').next().unwrap_or("");
            l.split(|c: char| c.is_whitespace() || ";&|()".contains(c))
                .any(|w| w == "ldconfig" || w.ends_with("/ldconfig"))
        });
        if calls_ldconfig {
            hits.push(Hit::package(
                "maintscript-calls-ldconfig",
                format!(
                    "[scripts] {key} calls ldconfig; dpkg's libc trigger runs it, remove the call"
                ),
            ));
        }
    }
}
