//! Reads what an apt index needs from a .deb: its control paragraph and the
//! paths it installs (for `Contents-ARCH`). Only the ar members and tars
//! are parsed; the package is never unpacked to disk.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use super::{IoContext, RepoError, Result};

/// The control paragraph and the installed paths of one .deb.
pub struct DebInfo {
    /// `DEBIAN/control` as in the package, without trailing blank lines.
    pub control: String,
    /// Installed files and symlinks, without the leading `/`, sorted.
    pub files: Vec<String>,
}

/// Reads `path`.
pub fn read(path: &Path) -> Result<DebInfo> {
    let shown = path.display();
    let file = File::open(path).context_with(|| format!("cannot open {shown}"))?;
    let mut archive = ar::Archive::new(BufReader::new(file));
    let (mut control, mut files) = (None, None);
    while let Some(entry) = archive.next_entry() {
        let entry = entry.context_with(|| format!("{shown} is not a .deb (ar archive)"))?;
        let name = String::from_utf8_lossy(entry.header().identifier()).into_owned();
        if let Some(ext) = name.strip_prefix("control.tar") {
            let tar = decompress(ext, entry, path, &name)?;
            control = Some(control_of(tar, path)?);
        } else if let Some(ext) = name.strip_prefix("data.tar") {
            let tar = decompress(ext, entry, path, &name)?;
            files = Some(paths_of(tar, path)?);
        }
    }
    let missing = |what: &str| RepoError::Invalid(format!("{shown}: no {what} member: not a .deb"));
    let control = control.ok_or_else(|| missing("control.tar"))?;
    Ok(DebInfo {
        control,
        files: files.ok_or_else(|| missing("data.tar"))?,
    })
}

fn decompress<'a>(
    ext: &str,
    member: impl Read + 'a,
    path: &Path,
    name: &str,
) -> Result<Box<dyn Read + 'a>> {
    Ok(match ext {
        "" => Box::new(member),
        ".gz" => Box::new(flate2::read::MultiGzDecoder::new(member)),
        ".xz" => Box::new(liblzma::read::XzDecoder::new_multi_decoder(member)),
        ".zst" => Box::new(
            zstd::Decoder::new(member)
                .context_with(|| format!("{}: cannot read {name}", path.display()))?,
        ),
        _ => {
            return Err(RepoError::Invalid(format!(
                "{}: member {name} has a compression dpkg does not read",
                path.display()
            )))
        }
    })
}

fn control_of(tar: impl Read, path: &Path) -> Result<String> {
    let context = || format!("{}: cannot read control.tar", path.display());
    let mut archive = tar::Archive::new(tar);
    for entry in archive.entries().context_with(context)? {
        let mut entry = entry.context_with(context)?;
        let name = entry.path().context_with(context)?.into_owned();
        if name
            .components()
            .next_back()
            .is_some_and(|c| c.as_os_str() == "control")
            && entry.header().entry_type().is_file()
        {
            let mut text = String::new();
            entry.read_to_string(&mut text).map_err(|_| {
                RepoError::Invalid(format!("{}: DEBIAN/control is not UTF-8", path.display()))
            })?;
            return Ok(text.trim_end().to_string());
        }
    }
    Err(RepoError::Invalid(format!(
        "{}: control.tar has no control file",
        path.display()
    )))
}

fn paths_of(tar: impl Read, path: &Path) -> Result<Vec<String>> {
    let context = || format!("{}: cannot read data.tar", path.display());
    let mut archive = tar::Archive::new(tar);
    let mut files = Vec::new();
    for entry in archive.entries().context_with(context)? {
        let entry = entry.context_with(context)?;
        if entry.header().entry_type().is_dir() {
            continue;
        }
        let name = entry.path().context_with(context)?;
        let name = name.to_string_lossy();
        let name = name.trim_start_matches("./").trim_start_matches('/');
        if !name.is_empty() {
            files.push(name.to_string());
        }
    }
    files.sort();
    Ok(files)
}

/// The value of field `name` in a control paragraph (first line only).
pub fn field<'a>(control: &'a str, name: &str) -> Option<&'a str> {
    control.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (!line.starts_with([' ', '\t']) && key.eq_ignore_ascii_case(name)).then(|| value.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_found_case_insensitively_and_not_in_continuations() {
        let control =
            "Package: hello\nVersion: 1.0-1\nDescription: x\n Version: no\narchitecture: all";
        assert_eq!(field(control, "Package"), Some("hello"));
        assert_eq!(field(control, "version"), Some("1.0-1"));
        assert_eq!(field(control, "Architecture"), Some("all"));
        assert_eq!(field(control, "Section"), None);
    }
}
