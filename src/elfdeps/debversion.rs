//! Debian version comparison (policy §5.6.12): epoch numerically, then
//! upstream version and revision each compared as alternating non-digit and
//! digit runs, where `~` sorts before everything, even the end of a string,
//! and letters sort before other characters.

use std::cmp::Ordering;

/// Compares two Debian versions.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (ea, ua, ra) = split(a);
    let (eb, ub, rb) = split(b);
    ea.cmp(&eb)
        .then_with(|| compare_part(ua, ub))
        .then_with(|| compare_part(ra, rb))
}

/// `[epoch:]upstream[-revision]`; a missing epoch is 0.
fn split(version: &str) -> (u64, &str, &str) {
    let version = version.trim();
    let (epoch, rest) = match version.split_once(':') {
        Some((e, rest)) if e.chars().all(|c| c.is_ascii_digit()) => (e.parse().unwrap_or(0), rest),
        _ => (0, version),
    };
    match rest.rsplit_once('-') {
        Some((upstream, revision)) => (epoch, upstream, revision),
        None => (epoch, rest, ""),
    }
}

/// The weight of one character in a non-digit run.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

fn compare_part(a: &str, b: &str) -> Ordering {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    while !a.is_empty() || !b.is_empty() {
        // The non-digit prefixes, character by character.
        loop {
            let ca = a.first().copied().filter(|c| !c.is_ascii_digit());
            let cb = b.first().copied().filter(|c| !c.is_ascii_digit());
            if ca.is_none() && cb.is_none() {
                break;
            }
            let ordering = order(ca).cmp(&order(cb));
            if ordering != Ordering::Equal {
                return ordering;
            }
            a = &a[1..];
            b = &b[1..];
        }
        // The digit runs, as numbers (without leading zeros).
        let digits = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
        let (na, nb) = (digits(a), digits(b));
        let trim = |s: &[u8]| -> Vec<u8> { s.iter().copied().skip_while(|c| *c == b'0').collect() };
        let (da, db) = (trim(&a[..na]), trim(&b[..nb]));
        let ordering = da.len().cmp(&db.len()).then_with(|| da.cmp(&db));
        if ordering != Ordering::Equal {
            return ordering;
        }
        a = &a[na..];
        b = &b[nb..];
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_as_dpkg_orders_them() {
        let less = [
            ("1.0", "1.1"),
            ("1.0~rc1", "1.0"),
            ("1.0", "1.0+b1"),
            ("1.0", "1.0a"),
            ("1.0a", "1.0+"),
            ("2.9", "2.10"),
            ("1:1.2", "2:0.1"),
            ("9", "1:0"),
            ("1.2.3-1", "1.2.3-2"),
            ("1.2.3-9", "1.2.3-10"),
            ("2.2.5", "2.34"),
            ("1:1.2.0.2", "1:1.2.13.dfsg"),
            ("1.0~~", "1.0~"),
        ];
        for (a, b) in less {
            assert_eq!(compare(a, b), Ordering::Less, "{a} < {b}");
            assert_eq!(compare(b, a), Ordering::Greater, "{b} > {a}");
        }
        assert_eq!(compare("1.01", "1.1"), Ordering::Equal);
        assert_eq!(compare("0:1.0", "1.0"), Ordering::Equal);
    }
}
