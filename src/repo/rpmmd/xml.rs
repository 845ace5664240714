//! The three rpm-md documents (`primary`, `filelists`, `other`) and
//! `repomd.xml`, written as text: the schema is small and fixed, so a
//! careful escape is all the XML support needed.

use std::fmt::Write as _;

use super::super::rpm_read::{Dep, RpmInfo};
use super::Record;

/// Text content or an attribute value: the five XML escapes, and the
/// control characters XML 1.0 forbids dropped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 => {}
            c => out.push(c),
        }
    }
    out
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

fn version(info: &RpmInfo) -> String {
    format!(
        "<version epoch=\"{}\" ver=\"{}\" rel=\"{}\"/>",
        info.epoch,
        escape(&info.version),
        escape(&info.release)
    )
}

/// Whether createrepo puts a file into primary.xml (the paths dnf may
/// resolve a file dependency against without filelists).
fn in_primary(path: &str) -> bool {
    path.starts_with("/etc/") || path.contains("bin/") || path == "/usr/lib/sendmail"
}

pub fn primary(records: &[&Record]) -> String {
    let mut x = format!(
        "{HEAD}<metadata xmlns=\"http://linux.duke.edu/metadata/common\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\" packages=\"{}\">\n",
        records.len()
    );
    for r in records {
        let i = &r.info;
        let _ = write!(
            x,
            "<package type=\"rpm\">\n  <name>{}</name>\n  <arch>{}</arch>\n  {}\n  <checksum type=\"sha256\" pkgid=\"YES\">{}</checksum>\n  <summary>{}</summary>\n  <description>{}</description>\n  <packager>{}</packager>\n  <url>{}</url>\n  <time file=\"{}\" build=\"{}\"/>\n  <size package=\"{}\" installed=\"{}\" archive=\"{}\"/>\n  <location href=\"{}\"/>\n  <format>\n",
            escape(&i.name),
            escape(&i.arch),
            version(i),
            r.sha256,
            escape(&i.summary),
            escape(&i.description),
            escape(&i.packager),
            escape(&i.url),
            i.build_time,
            i.build_time,
            r.size,
            i.installed_size,
            i.archive_size,
            escape(&r.location),
        );
        for (tag, value) in [
            ("license", &i.license),
            ("vendor", &i.vendor),
            ("group", &i.group),
            ("buildhost", &i.buildhost),
            ("sourcerpm", &i.sourcerpm),
        ] {
            let _ = writeln!(x, "    <rpm:{tag}>{}</rpm:{tag}>", escape(value));
        }
        let _ = writeln!(
            x,
            "    <rpm:header-range start=\"{}\" end=\"{}\"/>",
            i.header_start, i.header_end
        );
        for (tag, deps) in [
            ("provides", &i.provides),
            ("requires", &i.requires),
            ("conflicts", &i.conflicts),
            ("obsoletes", &i.obsoletes),
            ("suggests", &i.suggests),
            ("enhances", &i.enhances),
            ("recommends", &i.recommends),
            ("supplements", &i.supplements),
        ] {
            dependencies(&mut x, tag, deps, tag == "requires");
        }
        for file in i.files.iter().filter(|f| in_primary(&f.path)) {
            file_line(&mut x, "    ", &file.kind, &file.path);
        }
        x.push_str("  </format>\n</package>\n");
    }
    x.push_str("</metadata>\n");
    x
}

fn dependencies(x: &mut String, tag: &str, deps: &[Dep], with_pre: bool) {
    if deps.is_empty() {
        return;
    }
    let _ = writeln!(x, "    <rpm:{tag}>");
    for d in deps {
        let _ = write!(x, "      <rpm:entry name=\"{}\"", escape(&d.name));
        if !d.flags.is_empty() {
            let _ = write!(
                x,
                " flags=\"{}\" epoch=\"{}\" ver=\"{}\"",
                d.flags,
                escape(&d.epoch),
                escape(&d.ver)
            );
            if !d.rel.is_empty() {
                let _ = write!(x, " rel=\"{}\"", escape(&d.rel));
            }
        }
        if with_pre && d.pre {
            x.push_str(" pre=\"1\"");
        }
        x.push_str("/>\n");
    }
    let _ = writeln!(x, "    </rpm:{tag}>");
}

fn file_line(x: &mut String, indent: &str, kind: &str, path: &str) {
    if kind.is_empty() {
        let _ = writeln!(x, "{indent}<file>{}</file>", escape(path));
    } else {
        let _ = writeln!(x, "{indent}<file type=\"{kind}\">{}</file>", escape(path));
    }
}

fn package_open(x: &mut String, r: &Record) {
    let _ = write!(
        x,
        "<package pkgid=\"{}\" name=\"{}\" arch=\"{}\">\n  {}\n",
        r.sha256,
        escape(&r.info.name),
        escape(&r.info.arch),
        version(&r.info)
    );
}

pub fn filelists(records: &[&Record]) -> String {
    let mut x = format!(
        "{HEAD}<filelists xmlns=\"http://linux.duke.edu/metadata/filelists\" packages=\"{}\">\n",
        records.len()
    );
    for r in records {
        package_open(&mut x, r);
        for file in &r.info.files {
            file_line(&mut x, "  ", &file.kind, &file.path);
        }
        x.push_str("</package>\n");
    }
    x.push_str("</filelists>\n");
    x
}

pub fn other(records: &[&Record]) -> String {
    let mut x = format!(
        "{HEAD}<otherdata xmlns=\"http://linux.duke.edu/metadata/other\" packages=\"{}\">\n",
        records.len()
    );
    for r in records {
        package_open(&mut x, r);
        for c in &r.info.changelog {
            let _ = writeln!(
                x,
                "  <changelog author=\"{}\" date=\"{}\">{}</changelog>",
                escape(&c.author),
                c.date,
                escape(&c.text)
            );
        }
        x.push_str("</package>\n");
    }
    x.push_str("</otherdata>\n");
    x
}

/// One `<data>` entry of repomd.xml.
pub struct DataEntry {
    pub kind: String,
    pub location: String,
    pub sha256: String,
    pub size: u64,
    pub open_sha256: String,
    pub open_size: u64,
}

pub fn repomd(revision: u64, entries: &[DataEntry]) -> String {
    let mut x = format!(
        "{HEAD}<repomd xmlns=\"http://linux.duke.edu/metadata/repo\" xmlns:rpm=\"http://linux.duke.edu/metadata/rpm\">\n  <revision>{revision}</revision>\n"
    );
    for e in entries {
        let _ = write!(
            x,
            "  <data type=\"{}\">\n    <checksum type=\"sha256\">{}</checksum>\n    <open-checksum type=\"sha256\">{}</open-checksum>\n    <location href=\"{}\"/>\n    <timestamp>{revision}</timestamp>\n    <size>{}</size>\n    <open-size>{}</open-size>\n  </data>\n",
            e.kind, e.sha256, e.open_sha256, escape(&e.location), e.size, e.open_size
        );
    }
    x.push_str("</repomd>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_forbidden_controls() {
        assert_eq!(escape("a<b>&\"c'\u{1}\n"), "a&lt;b&gt;&amp;&quot;c&apos;\n");
        assert!(in_primary("/usr/bin/hello"));
        assert!(in_primary("/etc/hello.conf"));
        assert!(!in_primary("/usr/share/doc/hello/README"));
    }
}
