//! A system root seen from outside: `/` for this machine, or a sysroot
//! (an extracted foreign-architecture system with its own dpkg database).
//! Paths inside it are resolved like the loader would inside a chroot:
//! absolute symlinks point into the root, never at this machine's files.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Symlinks followed before a path is given up as a loop.
const MAX_LINKS: u32 = 40;

/// A root directory and the dpkg database inside it.
pub struct Root {
    pub dir: PathBuf,
    /// Installed path → the packages (`libc6:amd64`, as the `.list` files
    /// are named) that ship it; only paths with `/lib` in them.
    owners: Option<HashMap<String, Vec<String>>>,
}

impl Root {
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            owners: None,
        }
    }

    /// The host path of an absolute path inside the root.
    pub fn host_path(&self, inside: &str) -> PathBuf {
        self.dir.join(inside.trim_start_matches('/'))
    }

    /// The dpkg database folder with control files (`info/`).
    pub fn info_dir(&self) -> PathBuf {
        self.host_path("/var/lib/dpkg/info")
    }

    /// Whether the root has a dpkg database at all.
    pub fn has_dpkg_database(&self) -> bool {
        self.host_path("/var/lib/dpkg/status").is_file()
    }

    /// The path with every symlink resolved inside the root, `None` when it
    /// does not exist (or loops).
    pub fn real_path(&self, inside: &str) -> Option<String> {
        let mut done: Vec<String> = Vec::new();
        let mut todo: Vec<String> = components(inside).into_iter().rev().collect();
        let mut links = 0;
        while let Some(part) = todo.pop() {
            if part == ".." {
                done.pop();
                continue;
            }
            done.push(part);
            let current = format!("/{}", done.join("/"));
            let host = self.host_path(&current);
            let meta = std::fs::symlink_metadata(&host).ok()?;
            if meta.file_type().is_symlink() {
                links += 1;
                if links > MAX_LINKS {
                    return None;
                }
                let target = std::fs::read_link(&host).ok()?;
                let target = target.to_string_lossy();
                done.pop();
                if target.starts_with('/') {
                    done.clear();
                }
                todo.extend(components(&target).into_iter().rev());
            }
        }
        Some(format!("/{}", done.join("/")))
    }

    /// The packages whose file list names `inside`.
    pub fn owners(&mut self, inside: &str) -> Vec<String> {
        if self.owners.is_none() {
            self.owners = Some(self.read_owners());
        }
        self.owners
            .as_ref()
            .and_then(|o| o.get(inside).cloned())
            .unwrap_or_default()
    }

    fn read_owners(&self) -> HashMap<String, Vec<String>> {
        let mut owners: HashMap<String, Vec<String>> = HashMap::new();
        let Ok(dir) = std::fs::read_dir(self.info_dir()) else {
            return owners;
        };
        let mut lists: Vec<PathBuf> = dir
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "list"))
            .collect();
        lists.sort();
        for list in lists {
            let Some(package) = list.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
                continue;
            };
            let Ok(text) = std::fs::read_to_string(&list) else {
                continue;
            };
            for path in text.lines().filter(|l| l.contains("/lib")) {
                owners
                    .entry(path.to_string())
                    .or_default()
                    .push(package.clone());
            }
        }
        owners
    }

    /// The library folders `/etc/ld.so.conf` (and what it includes) lists.
    pub fn ld_so_conf_dirs(&self) -> Vec<String> {
        let mut dirs = Vec::new();
        let mut seen = Vec::new();
        self.read_ld_so_conf("/etc/ld.so.conf", &mut dirs, &mut seen);
        dirs
    }

    fn read_ld_so_conf(&self, file: &str, dirs: &mut Vec<String>, seen: &mut Vec<String>) {
        if seen.iter().any(|s| s == file) {
            return;
        }
        seen.push(file.to_string());
        let Ok(text) = std::fs::read_to_string(self.host_path(file)) else {
            return;
        };
        for line in text.lines().map(str::trim) {
            if let Some(pattern) = line.strip_prefix("include") {
                for include in self.glob(pattern.trim()) {
                    self.read_ld_so_conf(&include, dirs, seen);
                }
            } else if line.starts_with('/') {
                let dir = line.trim_end_matches('/').to_string();
                if !dirs.contains(&dir) {
                    dirs.push(dir);
                }
            }
        }
    }

    /// `/etc/ld.so.conf.d/*.conf` inside the root, sorted; only the last
    /// component may hold a `*`.
    fn glob(&self, pattern: &str) -> Vec<String> {
        let (dir, name) = pattern.rsplit_once('/').unwrap_or(("", pattern));
        let Some((prefix, suffix)) = name.split_once('*') else {
            return vec![pattern.to_string()];
        };
        let Ok(entries) = std::fs::read_dir(self.host_path(dir)) else {
            return Vec::new();
        };
        let mut found: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(prefix) && n.ends_with(suffix))
            .map(|n| format!("{dir}/{n}"))
            .collect();
        found.sort();
        found
    }
}

fn components(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlinks_resolve_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("usr/lib/x")).unwrap();
        std::fs::write(root.join("usr/lib/x/libz.so.1.2"), b"").unwrap();
        std::os::unix::fs::symlink("usr/lib", root.join("lib")).unwrap();
        std::os::unix::fs::symlink("/lib/x/libz.so.1.2", root.join("usr/lib/x/libz.so.1")).unwrap();
        std::os::unix::fs::symlink("loop", root.join("loop")).unwrap();
        let r = Root::new(root);
        assert_eq!(
            r.real_path("/lib/x/libz.so.1").as_deref(),
            Some("/usr/lib/x/libz.so.1.2")
        );
        assert_eq!(r.real_path("/lib/x/missing"), None);
        assert_eq!(r.real_path("/loop"), None);
    }
}
