//! Version ordering as each package manager decides an upgrade: dpkg's
//! (deb-version(7)), rpm's (rpmvercmp, with the `~` and `^` rules of rpm
//! 4.10 / 4.15) and Windows Installer's ProductVersion (the first three
//! fields only). Written from the documented rules; tested against
//! `dpkg --compare-versions` and rpm's own `rpm.vercmp`.

use std::cmp::Ordering;

/// dpkg's ordering of two whole versions, `[epoch:]upstream[-revision]`.
pub fn dpkg(a: &str, b: &str) -> Ordering {
    let (ea, ua, ra) = dpkg_parts(a);
    let (eb, ub, rb) = dpkg_parts(b);
    ea.cmp(&eb)
        .then_with(|| dpkg_part(ua, ub))
        .then_with(|| dpkg_part(ra, rb))
}

/// Epoch (0 when absent), upstream, revision (empty when absent).
fn dpkg_parts(v: &str) -> (u64, &str, &str) {
    let (epoch, rest) = match v.split_once(':') {
        Some((e, rest)) if e.chars().all(|c| c.is_ascii_digit()) => {
            (e.parse().unwrap_or(u64::MAX), rest)
        }
        _ => (0, v),
    };
    match rest.rsplit_once('-') {
        Some((upstream, revision)) => (epoch, upstream, revision),
        None => (epoch, rest, ""),
    }
}

/// The weight of one character in the non-digit runs: `~` first (before
/// even the end), then the end, then letters, then everything else.
fn dpkg_weight(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// One upstream or revision part: alternating non-digit and digit runs,
/// the first compared by [`dpkg_weight`], the second as numbers.
fn dpkg_part(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !a[i].is_ascii_digit()) || (j < b.len() && !b[j].is_ascii_digit()) {
            let wa = dpkg_weight(a.get(i).copied().filter(|c| !c.is_ascii_digit()));
            let wb = dpkg_weight(b.get(j).copied().filter(|c| !c.is_ascii_digit()));
            if wa != wb {
                return wa.cmp(&wb);
            }
            if i < a.len() && !a[i].is_ascii_digit() {
                i += 1;
            }
            if j < b.len() && !b[j].is_ascii_digit() {
                j += 1;
            }
        }
        let (na, ni) = digits(a, i);
        let (nb, nj) = digits(b, j);
        let order = na.cmp(&nb);
        if order != Ordering::Equal {
            return order;
        }
        (i, j) = (ni, nj);
    }
    Ordering::Equal
}

/// The digit run at `from` as a comparable number (leading zeros dropped,
/// then longer is larger), and where it ends.
fn digits(s: &[u8], from: usize) -> (NumberRun<'_>, usize) {
    let end = s[from..]
        .iter()
        .position(|c| !c.is_ascii_digit())
        .map_or(s.len(), |n| from + n);
    let run = &s[from..end];
    let first = run.iter().position(|c| *c != b'0').unwrap_or(run.len());
    (NumberRun(&run[first..]), end)
}

/// Digits without leading zeros: compared by length, then lexically.
#[derive(PartialEq, Eq)]
struct NumberRun<'a>(&'a [u8]);

impl Ord for NumberRun<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.cmp(other.0))
    }
}

impl PartialOrd for NumberRun<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// rpm's ordering of two `[epoch:]version[-release]` strings: the epoch
/// (0 when absent), the version, then the release (a package always has
/// one; between strings, one with a release sorts after one without).
pub fn rpm(a: &str, b: &str) -> Ordering {
    let (ea, va, ra) = rpm_parts(a);
    let (eb, vb, rb) = rpm_parts(b);
    let order = rpmvercmp(ea, eb).then_with(|| rpmvercmp(va, vb));
    // As rpm.vercmp does: a release, even an empty one, sorts after none.
    order.then_with(|| match (ra, rb) {
        (Some(ra), Some(rb)) => rpmvercmp(ra, rb),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => Ordering::Equal,
    })
}

fn rpm_parts(v: &str) -> (&str, &str, Option<&str>) {
    let (epoch, rest) = match v.split_once(':') {
        Some((e, rest)) if !e.is_empty() && e.chars().all(|c| c.is_ascii_digit()) => (e, rest),
        _ => ("0", v),
    };
    match rest.rsplit_once('-') {
        Some((version, release)) => (epoch, version, Some(release)),
        None => (epoch, rest, None),
    }
}

/// rpm's comparison of one version or release string.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    let separator = |c: &u8| !c.is_ascii_alphanumeric() && *c != b'~' && *c != b'^';
    loop {
        a = &a[a.iter().position(|c| !separator(c)).unwrap_or(a.len())..];
        b = &b[b.iter().position(|c| !separator(c)).unwrap_or(b.len())..];
        // `~` sorts before everything, the end included.
        if a.first() == Some(&b'~') || b.first() == Some(&b'~') {
            if a.first() != Some(&b'~') {
                return Ordering::Greater;
            }
            if b.first() != Some(&b'~') {
                return Ordering::Less;
            }
            (a, b) = (&a[1..], &b[1..]);
            continue;
        }
        // `^` sorts after the end, before anything else.
        if a.first() == Some(&b'^') || b.first() == Some(&b'^') {
            if a.is_empty() {
                return Ordering::Less;
            }
            if b.is_empty() {
                return Ordering::Greater;
            }
            if a[0] != b'^' {
                return Ordering::Greater;
            }
            if b[0] != b'^' {
                return Ordering::Less;
            }
            (a, b) = (&a[1..], &b[1..]);
            continue;
        }
        if a.is_empty() || b.is_empty() {
            break;
        }
        let numeric = a[0].is_ascii_digit();
        let take = |s: &[u8]| {
            s.iter()
                .position(|c| {
                    if numeric {
                        !c.is_ascii_digit()
                    } else {
                        !c.is_ascii_alphabetic()
                    }
                })
                .unwrap_or(s.len())
        };
        let (la, lb) = (take(a), take(b));
        if lb == 0 {
            // A number is newer than letters.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let order = if numeric {
            digits(&a[..la], 0).0.cmp(&digits(&b[..lb], 0).0)
        } else {
            a[..la].cmp(&b[..lb])
        };
        if order != Ordering::Equal {
            return order;
        }
        (a, b) = (&a[la..], &b[lb..]);
    }
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

/// Windows Installer's ProductVersion ordering: `major.minor.build`, each a
/// number; a fourth field is ignored by upgrades. `None` when unreadable.
pub fn msi(a: &str, b: &str) -> Option<Ordering> {
    let fields = |v: &str| -> Option<[u32; 3]> {
        let mut parts = v.split('.').map(|p| p.trim().parse::<u32>());
        let mut out = [0; 3];
        for slot in &mut out {
            *slot = match parts.next() {
                Some(n) => n.ok()?,
                None => 0,
            };
        }
        Some(out)
    };
    Some(fields(a)?.cmp(&fields(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::{Equal as Eq, Greater as Gt, Less as Lt};

    #[test]
    fn dpkg_documented_examples() {
        for (a, b, want) in [
            ("1.0", "1.0", Eq),
            ("1.0~rc1", "1.0", Lt),
            ("1.0", "1.0+b1", Lt),
            ("1:0.1", "2.0", Gt),
            ("1.0-1", "1.0", Gt),
            ("1.0-0", "1.0", Eq),
            ("1.0a", "1.0", Gt),
            ("1.0~~", "1.0~", Lt),
            ("1.10", "1.9", Gt),
            ("1.001", "1.1", Eq),
        ] {
            assert_eq!(dpkg(a, b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn dpkg_orders_library_versions_as_symbols_files_hold_them() {
        for (a, b) in [
            ("2.9", "2.10"),
            ("1:1.2", "2:0.1"),
            ("9", "1:0"),
            ("1.2.3-9", "1.2.3-10"),
            ("2.2.5", "2.34"),
            ("1:1.2.0.2", "1:1.2.13.dfsg"),
            ("1.0a", "1.0+"),
        ] {
            assert_eq!(dpkg(a, b), Lt, "{a} < {b}");
            assert_eq!(dpkg(b, a), Gt, "{b} > {a}");
        }
        assert_eq!(dpkg("0:1.0", "1.0"), Eq);
    }

    #[test]
    fn rpm_documented_examples() {
        for (a, b, want) in [
            ("1.0", "1.0", Eq),
            ("1.0~rc1", "1.0", Lt),
            ("1.0^git1", "1.0", Gt),
            ("1.0^git1", "1.0.1", Lt),
            ("1.0a", "1.0", Gt),
            ("1.0", "1.0.a", Lt),
            ("2.0", "2_0", Eq),
            ("1:1.0", "2.0", Gt),
            ("1.0-1", "1.0-2", Lt),
            ("1.0", "1.0-5", Lt),
            ("5.5p1", "5.5p10", Lt),
        ] {
            assert_eq!(rpm(a, b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn msi_ignores_the_fourth_field() {
        assert_eq!(msi("1.2.3.4", "1.2.3.9"), Some(Eq));
        assert_eq!(msi("1.2.4", "1.2.3"), Some(Gt));
        assert_eq!(msi("1.2", "1.2.0"), Some(Eq));
        assert_eq!(msi("x", "1"), None);
    }
}
