//! Rules over the package as a whole and over man page headers: a /usr/lib
//! holding no binary, log files without a logrotate entry, a man page in
//! the wrong section folder (read from its `.TH` line).

use std::io::Read;

use vitte_buildkit_formats::{Entry, Package};

use super::Hit;

/// Bytes of a decompressed man page read to find its `.TH` line.
const MAN_HEAD: u64 = 8 << 10;

pub(crate) fn check(package: &Package, hits: &mut Vec<Hit>) {
    usr_lib(package, hits);
    logrotate(package, hits);
    for entry in &package.entries {
        man_section(entry, hits);
    }
}

fn regular_under<'a>(package: &'a Package, dirs: &'a [&str]) -> impl Iterator<Item = &'a Entry> {
    package
        .entries
        .iter()
        .filter(move |e| e.kind.is_regular() && dirs.iter().any(|d| e.path.starts_with(d)))
}

fn usr_lib(package: &Package, hits: &mut Vec<Hit>) {
    let mut files = regular_under(package, &["/usr/lib/", "/usr/lib64/"]).peekable();
    let Some(first) = files.peek().map(|e| e.path.clone()) else {
        return;
    };
    let elf = |e: &Entry| {
        let mut magic = [0u8; 4];
        e.open()
            .and_then(|mut r| r.read_exact(&mut magic))
            .is_ok_and(|()| &magic == b"\x7fELF")
    };
    if !files.any(elf) {
        hits.push(Hit::at(
            "only-non-binary-in-usr-lib",
            &first,
            "/usr/lib holds no binary in this package; architecture-independent data belongs under /usr/share/NAME".into(),
        ));
    }
}

fn logrotate(package: &Package, hits: &mut Vec<Hit>) {
    let Some(log) = regular_under(package, &["/var/log/"]).next() else {
        return;
    };
    if regular_under(package, &["/etc/logrotate.d/"])
        .next()
        .is_none()
    {
        hits.push(Hit::at(
            "log-files-without-logrotate",
            &log.path,
            "a log file without a logrotate entry; add /etc/logrotate.d/NAME (kind = \"config\")"
                .into(),
        ));
    }
}

/// `/usr/share/man/man8/x.8.gz` whose `.TH` says section 1.
fn man_section(entry: &Entry, hits: &mut Vec<Hit>) {
    let Some(rest) = entry.path.strip_prefix("/usr/share/man/man") else {
        return;
    };
    let Some(folder) = rest.chars().next().filter(char::is_ascii_digit) else {
        return;
    };
    if !entry.kind.is_regular() || !entry.path.ends_with(".gz") {
        return;
    }
    let mut text = String::new();
    let read = entry.open().and_then(|r| {
        flate2::read::GzDecoder::new(r)
            .take(MAN_HEAD)
            .read_to_string(&mut text)
    });
    if read.is_err() && text.is_empty() {
        return;
    }
    let section = text
        .lines()
        .find(|l| l.starts_with(".TH ") || l.starts_with(".Dt "))
        .and_then(|l| l.split_whitespace().nth(2))
        .and_then(|s| s.trim_matches('"').chars().next());
    if let Some(section) = section.filter(|s| s.is_ascii_digit() && *s != folder) {
        hits.push(Hit::at(
            "wrong-manual-section",
            &entry.path,
            format!("the page says section {section} (.TH) but is installed in man{folder}; install it as /usr/share/man/man{section}/…"),
        ));
    }
}
