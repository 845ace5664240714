//! Our version ordering against the package managers' own: every pair of a
//! corpus (epochs, tildes, carets, letters, leading zeros, empty and
//! missing releases) compared by `dpkg --compare-versions` and by rpm's
//! `rpm.vercmp` (rpm's Lua interface to rpmvercmp on whole EVRs).

mod common;

use std::cmp::Ordering;

use common::*;
use vitte_buildkit::diff::version;

const DEB: &[&str] = &[
    "1.0",
    "1.0-1",
    "1.0-0",
    "1.0-1.1",
    "1.0-1~bpo1",
    "1.0~rc1",
    "1.0~rc1-1",
    "1.0~~",
    "1.0~",
    "1.0+b1",
    "1.0.0",
    "1.00",
    "1.01",
    "1.1",
    "1.10",
    "1.9",
    "1:0.9",
    "2:1.0",
    "0:1.0",
    "1.0a",
    "1.0A",
    "1.0.a",
    "1.0-1ubuntu1",
    "1.0-10",
    "1.0-2",
    "2.0",
    "10.0",
    "1.0+dfsg-1",
    "1.0-a",
    "1.0.1~beta2",
    "1.0.1~beta10",
    "9",
];

const RPM: &[&str] = &[
    "1.0",
    "1.0-1",
    "1.0-2",
    "1.0-1.el9",
    "1.0-1.fc40",
    "1.0~rc1",
    "1.0~rc1-1",
    "1.0~~",
    "1.0^",
    "1.0^git1",
    "1.0^git1~pre",
    "1.0.1",
    "1.00",
    "1.01",
    "1.1",
    "1.10",
    "1.9",
    "1:0.9",
    "2:1.0",
    "0:1.0",
    "1.0a",
    "1.0A",
    "1.0.a",
    "1.0_1",
    "5.5p1",
    "5.5p10",
    "10.0",
    "1.0-",
    "2_0",
    "2.0",
    "a",
    "b",
];

fn pairs(list: &[&'static str]) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    for (i, a) in list.iter().enumerate() {
        for b in &list[i..] {
            out.push((*a, *b));
        }
    }
    out
}

#[test]
fn dpkg_ordering_equals_dpkg_compare_versions() {
    let pairs = pairs(DEB);
    assert!(pairs.len() >= 200, "{} pairs", pairs.len());
    let mut wrong = Vec::new();
    for (a, b) in &pairs {
        let real = if run(tool("dpkg").args(["--compare-versions", a, "lt", b]))
            .status
            .success()
        {
            Ordering::Less
        } else if run(tool("dpkg").args(["--compare-versions", a, "eq", b]))
            .status
            .success()
        {
            Ordering::Equal
        } else {
            Ordering::Greater
        };
        if version::dpkg(a, b) != real {
            wrong.push(format!(
                "{a} vs {b}: dpkg says {real:?}, we say {:?}",
                version::dpkg(a, b)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn rpm_ordering_equals_rpmvercmp() {
    let pairs = pairs(RPM);
    assert!(pairs.len() >= 200, "{} pairs", pairs.len());
    let calls: String = pairs
        .iter()
        .map(|(a, b)| format!("print(rpm.vercmp(\"{a}\", \"{b}\") .. \"\\n\")\n"))
        .collect();
    let out = run_ok(tool("rpm").arg("--eval").arg(format!("%{{lua:\n{calls}}}")));
    let answers: Vec<i32> = text(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            l.trim()
                .parse()
                .unwrap_or_else(|_| panic!("rpm printed `{l}`"))
        })
        .collect();
    assert_eq!(answers.len(), pairs.len(), "{}", text(&out.stderr));
    let mut wrong = Vec::new();
    for ((a, b), real) in pairs.iter().zip(answers) {
        let real = real.cmp(&0);
        if version::rpm(a, b) != real {
            wrong.push(format!(
                "{a} vs {b}: rpm says {real:?}, we say {:?}",
                version::rpm(a, b)
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
