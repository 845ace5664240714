//! The two kinds of dependency information a Debian library package
//! installs in the dpkg database, read the way dpkg-shlibdeps reads them:
//!
//! - `PKG.symbols` (deb-symbols(5)): per soname a dependency template
//!   (`libc.so.6 libc6 #MINVER#`), alternative templates (`| …`), meta
//!   fields (`* Build-Depends-Package: …`) and one line per exported
//!   symbol, `name@version minver [template-index]`. Pattern symbols
//!   (`(c++)`, `(symver)`, `(regex)` tags) are never looked up by
//!   dpkg-shlibdeps and are skipped here.
//! - `PKG.shlibs` and `/etc/dpkg/shlibs.{override,default}` (deb-shlibs(5)):
//!   `[type:] library soversion dependencies`.

use std::collections::HashMap;
use std::path::Path;

use crate::diff::version;

/// One exported symbol of a library.
#[derive(Clone, Debug)]
pub struct Symbol {
    pub minver: String,
    /// Which dependency template applies (0: the soname's own line).
    pub dep_id: usize,
    pub deprecated: bool,
}

/// What a symbols file says about one soname.
#[derive(Clone, Debug, Default)]
pub struct SymbolObject {
    /// Dependency templates: the first from the soname line, then `| …` lines.
    pub deps: Vec<String>,
    /// `name@version` → symbol.
    pub symbols: HashMap<String, Symbol>,
}

impl SymbolObject {
    /// The smallest minimal version among the symbols of template `dep_id`.
    pub fn smallest_version(&self, dep_id: usize) -> Option<String> {
        self.symbols
            .values()
            .filter(|s| s.dep_id == dep_id)
            .map(|s| s.minver.as_str())
            .min_by(|a, b| version::dpkg(a, b))
            .map(str::to_string)
    }
}

/// A parsed symbols file: soname → object.
#[derive(Clone, Debug, Default)]
pub struct SymbolFile {
    pub objects: HashMap<String, SymbolObject>,
}

impl SymbolFile {
    /// Reads a symbols file (and the files it `#include`s); `arch` is the
    /// Debian architecture `(arch=…)` tags are matched against.
    pub fn load(path: &Path, arch: &str) -> std::io::Result<Self> {
        let mut file = Self::default();
        let mut current = None;
        file.read(path, arch, &mut current, 0)?;
        Ok(file)
    }

    fn read(
        &mut self,
        path: &Path,
        arch: &str,
        current: &mut Option<String>,
        depth: u32,
    ) -> std::io::Result<()> {
        let text = std::fs::read_to_string(path)?;
        for line in text.lines() {
            if let Some(spec) = symbol_line(line) {
                let Some(soname) = current.as_ref() else {
                    continue;
                };
                if let Some((name, symbol)) = parse_symbol(spec.0, spec.1, arch) {
                    if let Some(object) = self.objects.get_mut(soname) {
                        object.symbols.insert(name, symbol);
                    }
                }
            } else if let Some(include) = include_line(line) {
                if depth < 8 {
                    let dir = path.parent().unwrap_or(Path::new("."));
                    self.read(&dir.join(include), arch, current, depth + 1)?;
                }
            } else if line.starts_with('#') || line.trim().is_empty() || line.starts_with('*') {
                // Comments and meta fields; Build-Depends-Package only
                // matters against a source package's Build-Depends.
            } else if let Some(alt) = line.strip_prefix('|') {
                if let Some(object) = current.as_ref().and_then(|s| self.objects.get_mut(s)) {
                    object.deps.push(alt.trim().to_string());
                }
            } else if let Some((soname, template)) = line.split_once(char::is_whitespace) {
                let object = self.objects.entry(soname.to_string()).or_default();
                object.deps = vec![template.trim().to_string()];
                *current = Some(soname.to_string());
            }
        }
        Ok(())
    }
}

/// A symbol line: its text after the indentation and whether it is marked
/// `#DEPRECATED: …#` or `#MISSING: …#`.
fn symbol_line(line: &str) -> Option<(&str, bool)> {
    if line.starts_with([' ', '\t']) {
        return Some((line.trim_start(), false));
    }
    for marker in ["#DEPRECATED: ", "#MISSING: "] {
        if let Some(rest) = line.strip_prefix(marker) {
            let (_, spec) = rest.split_once('#')?;
            return Some((spec.trim_start(), true));
        }
    }
    None
}

fn include_line(line: &str) -> Option<&str> {
    let rest = match line.strip_prefix('(') {
        Some(tagged) => tagged.split_once(')')?.1,
        None => line,
    };
    let name = rest.strip_prefix("#include")?.trim();
    name.strip_prefix('"')?.strip_suffix('"')
}

/// `[(tags)]name minver [dep_id]`; `None` for patterns, symbols of another
/// architecture and lines that do not parse.
fn parse_symbol(spec: &str, deprecated: bool, arch: &str) -> Option<(String, Symbol)> {
    let (tags, rest) = match spec.strip_prefix('(') {
        Some(tagged) => {
            let (tags, rest) = tagged.split_once(')')?;
            (Some(tags), rest)
        }
        None => (None, spec),
    };
    if let Some(tags) = tags {
        for tag in tags.split('|') {
            let (name, value) = tag.split_once('=').unwrap_or((tag, ""));
            match name.trim() {
                "c++" | "symver" | "regex" => return None,
                "arch" if !arch_matches(value, arch) => return None,
                _ => {}
            }
        }
    }
    let (name, rest) = match rest.strip_prefix(['"', '\'']) {
        Some(quoted) => {
            let quote = rest.chars().next()?;
            quoted.split_once(quote)?
        }
        None => rest.split_once(char::is_whitespace)?,
    };
    let mut words = rest.split_whitespace();
    let minver = words.next()?.to_string();
    let dep_id = match words.next() {
        Some(id) => id.parse().ok()?,
        None => 0,
    };
    Some((
        name.to_string(),
        Symbol {
            minver,
            dep_id,
            deprecated,
        },
    ))
}

/// `arch=amd64 i386` lists where a symbol exists; `arch=!armel` where not.
fn arch_matches(list: &str, arch: &str) -> bool {
    let items: Vec<&str> = list.split_whitespace().collect();
    if items.iter().any(|i| i.starts_with('!')) {
        !items.iter().any(|i| i.strip_prefix('!') == Some(arch))
    } else {
        items.contains(&arch)
    }
}

/// `libfoo.so.1` → (`libfoo`, `1`); `libfoo-1.2.so` → (`libfoo`, `1.2`).
pub fn split_soname(soname: &str) -> Option<(&str, &str)> {
    if let Some(cut) = soname.find(".so.") {
        let (name, version) = (&soname[..cut], &soname[cut + 4..]);
        if !name.is_empty() && !version.is_empty() {
            return Some((name, version));
        }
    }
    let stem = soname.strip_suffix(".so")?;
    let cut = stem.rfind('-')?;
    let (name, version) = (&stem[..cut], &stem[cut + 1..]);
    (!name.is_empty() && version.starts_with(|c: char| c.is_ascii_digit()))
        .then_some((name, version))
}

/// The dependency a shlibs file gives for `soname` in a `deb` package: a
/// line typed `deb:` wins, an untyped line is the default, other types
/// (`udeb:`) are ignored. `Ok(None)` when the file does not name it.
pub fn shlibs_dependency(path: &Path, soname: &str) -> std::io::Result<Option<String>> {
    let Some((name, version)) = split_soname(soname) else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)?;
    let mut found = None;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace().peekable();
        let kind = match words.peek() {
            Some(w) if w.ends_with(':') => words.next().map(|w| w.trim_end_matches(':')),
            _ => None,
        };
        let (Some(lib), Some(ver)) = (words.next(), words.next()) else {
            continue;
        };
        if lib != name || ver != version {
            continue;
        }
        let deps = words.collect::<Vec<_>>().join(" ");
        match kind {
            Some("deb") => return Ok(Some(deps)),
            Some(_) => {}
            None => {
                found.get_or_insert(deps);
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_files_parse_templates_symbols_and_tags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("libfoo1.symbols");
        std::fs::write(
            &path,
            "libfoo.so.1 libfoo1 #MINVER#\n\
             | libfoo1 (>> 2), libfoo1 (<< 3)\n\
             * Build-Depends-Package: libfoo-dev\n \
             foo@Base 1.0\n \
             bar@FOO_2 2.1\n \
             priv@FOO_PRIVATE 0 1\n \
             (c++)\"ns::x()@Base\" 1.0\n \
             (arch=armel)only_arm@Base 1.5\n \
             (optional)opt@Base 0.9\n\
             #MISSING: 3.0# old@Base 1.0\n",
        )
        .unwrap();
        let file = SymbolFile::load(&path, "amd64").unwrap();
        let object = &file.objects["libfoo.so.1"];
        assert_eq!(
            object.deps,
            ["libfoo1 #MINVER#", "libfoo1 (>> 2), libfoo1 (<< 3)"]
        );
        assert_eq!(object.symbols["bar@FOO_2"].minver, "2.1");
        assert_eq!(object.symbols["priv@FOO_PRIVATE"].dep_id, 1);
        assert!(object.symbols["old@Base"].deprecated);
        assert!(!object.symbols.contains_key("only_arm@Base"));
        assert!(object.symbols.contains_key("opt@Base"));
        assert_eq!(object.symbols.len(), 5);
        assert_eq!(object.smallest_version(0).as_deref(), Some("0.9"));
    }

    #[test]
    fn sonames_split_and_shlibs_prefer_the_deb_line() {
        assert_eq!(split_soname("libc.so.6"), Some(("libc", "6")));
        assert_eq!(split_soname("libfoo-1.2.so"), Some(("libfoo", "1.2")));
        assert_eq!(split_soname("libc.so"), None);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shlibs");
        std::fs::write(
            &path,
            "# comment\nudeb: libz 1 zlib1g-udeb (>= 1)\nlibz 1 zlib1g (>= 1:1.2)\nlibq 2 q\n",
        )
        .unwrap();
        assert_eq!(
            shlibs_dependency(&path, "libz.so.1").unwrap().as_deref(),
            Some("zlib1g (>= 1:1.2)")
        );
        assert_eq!(shlibs_dependency(&path, "libz.so.2").unwrap(), None);
    }
}
