//! Names the File and Directory tables can hold: Windows file names, the
//! `SHORT|long` pairs of the Filename and DefaultDir columns, and the
//! Windows-1252 text the database's code page can store.

use std::collections::{BTreeMap, BTreeSet};

/// Characters a 8.3 short name may hold besides ASCII letters and digits.
const SHORT_EXTRA: &str = "!#$%&'()-@^_`{}~";

/// Names Windows reserves for devices, with or without an extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Why a name cannot be a Windows file or folder name, if it cannot.
pub fn windows_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| c.is_control() || "<>:\"/\\|?*".contains(*c))
    {
        return Some(format!(
            "holds `{}`, which Windows forbids in names",
            c.escape_default()
        ));
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Some("ends with a dot or a space, which Windows drops".into());
    }
    let stem = name.split('.').next().unwrap_or(name).trim_end();
    if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem)) {
        return Some(format!("`{stem}` is a device name Windows reserves"));
    }
    if name.chars().count() > 255 {
        return Some("is longer than 255 characters".into());
    }
    None
}

/// The first character Windows-1252 cannot encode, if any.
pub fn non_cp1252(text: &str) -> Option<char> {
    const HIGH: &str = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";
    text.chars().find(|&c| {
        let code = u32::from(c);
        !(code < 0x80 || (0xa0..=0xff).contains(&code) || HIGH.contains(c))
    })
}

/// Whether `name` is itself a valid 8.3 short name.
pub fn is_short_name(name: &str) -> bool {
    let valid = |part: &str, max: usize| {
        !part.is_empty()
            && part.len() <= max
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || SHORT_EXTRA.contains(c))
    };
    match name.split_once('.') {
        Some((base, ext)) => valid(base, 8) && valid(ext, 3),
        None => valid(name, 8),
    }
}

/// Hands out short names within one folder, unique ignoring case.
#[derive(Default)]
pub struct ShortNames {
    taken: BTreeSet<String>,
    /// The next `~N` to try for a (6-character stem, extension), so a folder
    /// of many similar names costs linear, not quadratic, time.
    next: BTreeMap<(String, String), u32>,
}

impl ShortNames {
    /// Reserves the names that are already 8.3, so generated ones avoid them;
    /// call for every name in the folder before [`ShortNames::column`].
    pub fn reserve(&mut self, long: &str) {
        if is_short_name(long) {
            self.taken.insert(long.to_ascii_uppercase());
        }
    }

    /// The Filename/DefaultDir value: `long` when it is a short name,
    /// else `SHORT~N.EXT|long`.
    pub fn column(&mut self, long: &str) -> String {
        if is_short_name(long) {
            return long.to_string();
        }
        let clean = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_ascii_alphanumeric() || SHORT_EXTRA.contains(*c))
                .map(|c| c.to_ascii_uppercase())
                .collect()
        };
        let (base, ext) = match long.rsplit_once('.') {
            Some((b, e)) if !b.is_empty() => (clean(b), clean(e)),
            _ => (clean(long), String::new()),
        };
        let base = if base.is_empty() {
            "_".to_string()
        } else {
            base
        };
        let ext: String = ext.chars().take(3).collect();
        let stem: String = base.chars().take(6).collect();
        let next = self.next.entry((stem, ext.clone())).or_insert(1);
        for n in *next.. {
            let tail = format!("~{n}");
            let keep = 8usize.saturating_sub(tail.len());
            let mut short: String = base.chars().take(keep).collect();
            short.push_str(&tail);
            if !ext.is_empty() {
                short.push('.');
                short.push_str(&ext);
            }
            if self.taken.insert(short.clone()) {
                *next = n + 1;
                return format!("{short}|{long}");
            }
        }
        unreachable!("u32 runs out of numbers only after 4 billion names in one folder")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_recognised() {
        for ok in ["hello.exe", "README", "A-B_C.TXT", "x.y", "HELLO~1.EXE"] {
            assert!(is_short_name(ok), "{ok}");
        }
        for long in [
            "hello-world.exe",
            "a.b.c",
            "config.json",
            "my file",
            ".hidden",
            "x+y",
            "héllo",
        ] {
            assert!(!is_short_name(long), "{long}");
        }
    }

    #[test]
    fn long_names_get_unique_short_names() {
        let mut names = ShortNames::default();
        for n in ["hello.exe", "HELLO~1.EXE", "hello-world.exe"] {
            names.reserve(n);
        }
        assert_eq!(names.column("hello.exe"), "hello.exe");
        assert_eq!(
            names.column("hello-world.exe"),
            "HELLO-~1.EXE|hello-world.exe"
        );
        assert_eq!(
            names.column("hello-world.exe2"),
            "HELLO-~2.EXE|hello-world.exe2"
        );
        assert_eq!(names.column("config.json"), "CONFIG~1.JSO|config.json");
        assert_eq!(names.column("my file"), "MYFILE~1|my file");
        assert_eq!(names.column(".hidden"), "HIDDEN~1|.hidden");
        let many: BTreeSet<String> = (0..20)
            .map(|i| names.column(&format!("long-name-{i}.txt")))
            .map(|c| c.split('|').next().unwrap().to_string())
            .collect();
        assert_eq!(many.len(), 20);
        assert!(many.iter().all(|s| is_short_name(s)), "{many:?}");
        // Thousands of similar names in one folder stay unique and valid.
        let mut folder = ShortNames::default();
        let shorts: BTreeSet<String> = (0..20_000)
            .map(|i| folder.column(&format!("file-number-{i:05}.txt")))
            .map(|c| c.split('|').next().unwrap().to_string())
            .collect();
        assert_eq!(shorts.len(), 20_000);
        assert!(shorts.iter().all(|s| is_short_name(s)));
        assert!(
            shorts.contains("FILE-N~1.TXT") && shorts.contains("FI~20000.TXT"),
            "{:?}",
            shorts.iter().last()
        );
    }

    #[test]
    fn windows_names() {
        assert!(windows_name_problem("hello.exe").is_none());
        assert!(windows_name_problem("a:b").is_some());
        assert!(windows_name_problem("con.txt").is_some());
        assert!(windows_name_problem("x.").is_some());
        assert!(windows_name_problem("tab\there").is_some());
    }

    #[test]
    fn code_page_1252() {
        assert_eq!(non_cp1252("Café – €5"), None);
        assert_eq!(non_cp1252("日本"), Some('日'));
    }
}
