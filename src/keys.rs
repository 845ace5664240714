//! Signing keys for a build and checking signed output.
//!
//! [`KeySource`] says where the minisign secret key comes from: a file
//! (`--key PATH`), which must not be accessible by group or others, or the
//! key file's text itself (`VITTE_BUILDKIT_SECRET_KEY`, for CI). [`load`]
//! reads and decrypts it once, before anything is written, and derives the
//! OpenPGP key the RPM backend signs with. Key material is never printed:
//! `Debug` shows key ids only, and the text is wiped from memory when dropped.
//!
//! [`verify`] checks files or output folders: every `.minisig`, and every
//! line of `SHA256SUMS`, naming each file that fails.

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use vitte_buildkit_signing::{
    signature_path, Digests, PublicKey, SecretKey, SecretKeyFile, Signature, SIGNATURE_SUFFIX,
};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::output::SHA256SUMS;

/// The environment variable holding the secret key file's text.
pub const SECRET_KEY_ENV: &str = "VITTE_BUILDKIT_SECRET_KEY";
/// The environment variable holding the secret key's password.
pub const PASSWORD_ENV: &str = "VITTE_BUILDKIT_PASSWORD";
/// File names `vitte-buildkit keygen` writes.
pub const SECRET_KEY_FILE: &str = "vitte-buildkit.key";
pub const PUBLIC_KEY_FILE: &str = "vitte-buildkit.pub";
pub const OPENPGP_KEY_FILE: &str = "vitte-buildkit.asc";

/// Where the secret key comes from.
#[derive(Clone)]
pub enum KeySource {
    /// A key file; its public key, when `<file stem>.pub` sits beside it, must match.
    File(PathBuf),
    /// The key file's text (from [`SECRET_KEY_ENV`]).
    Text(Zeroizing<String>),
}

impl fmt::Debug for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "KeySource::File({})", path.display()),
            Self::Text(_) => write!(f, "KeySource::Text(<{SECRET_KEY_ENV}>)"),
        }
    }
}

impl KeySource {
    /// `--key PATH` if given, else the key text in [`SECRET_KEY_ENV`], else none.
    pub fn from_path_or_env(path: Option<&Path>) -> Option<Self> {
        match path {
            Some(path) => Some(Self::File(path.to_path_buf())),
            None => std::env::var(SECRET_KEY_ENV)
                .ok()
                .filter(|t| !t.trim().is_empty())
                .map(|t| Self::Text(Zeroizing::new(t))),
        }
    }

    fn describe(&self) -> String {
        match self {
            Self::File(path) => path.display().to_string(),
            Self::Text(_) => format!("the secret key in {SECRET_KEY_ENV}"),
        }
    }

    /// Reads and checks the key's structure (and a key file's permissions)
    /// without decrypting it.
    pub fn read(&self) -> Result<SecretKeyFile> {
        let text = match self {
            Self::File(path) => {
                check_private(path)?;
                Zeroizing::new(fs::read_to_string(path).map_err(|source| Error::Read {
                    path: path.clone(),
                    source,
                })?)
            }
            Self::Text(text) => text.clone(),
        };
        SecretKeyFile::parse(&text).map_err(|e| Error::Signing(format!("{}: {e}", self.describe())))
    }
}

/// Everything a signed build needs: where the key is and its password.
#[derive(Clone)]
pub struct SigningOptions {
    pub key: KeySource,
    pub password: Option<Zeroizing<String>>,
}

impl fmt::Debug for SigningOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningOptions")
            .field("key", &self.key)
            .field("password", &self.password.as_ref().map(|_| "<set>"))
            .finish()
    }
}

/// A decrypted key, ready to sign: minisign for the detached signatures,
/// the armored OpenPGP secret for formats that embed a signature.
pub struct SigningKeys {
    pub minisign: SecretKey,
    pub openpgp_secret: Zeroizing<String>,
    pub openpgp_fingerprint: String,
}

impl fmt::Debug for SigningKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SigningKeys({}, OpenPGP {})",
            self.minisign.id(),
            self.openpgp_fingerprint
        )
    }
}

/// Reads, decrypts and checks the key; derives its OpenPGP form.
pub fn load(options: &SigningOptions) -> Result<SigningKeys> {
    let file = options.key.read()?;
    let minisign = file
        .decrypt(options.password.as_deref().map(String::as_str))
        .map_err(|e| Error::Signing(format!("{}: {e}", options.key.describe())))?;
    if let KeySource::File(path) = &options.key {
        check_public_beside(path, &minisign)?;
    }
    let openpgp = minisign
        .openpgp()
        .map_err(|e| Error::Signing(e.to_string()))?;
    Ok(SigningKeys {
        openpgp_secret: openpgp
            .secret_armored()
            .map_err(|e| Error::Signing(e.to_string()))?,
        openpgp_fingerprint: openpgp.fingerprint(),
        minisign,
    })
}

/// Refuses a folder, and a secret key file that group or others may access.
fn check_private(path: &Path) -> Result<()> {
    let meta = fs::metadata(path).map_err(|source| Error::Read {
        path: path.into(),
        source,
    })?;
    if meta.is_dir() {
        return Err(Error::Signing(format!(
            "{} is a folder: pass the secret key file ({SECRET_KEY_FILE})",
            path.display()
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::Signing(format!(
                "secret key {} has mode {mode:04o}: group or others can access it; run `chmod 600 {}`",
                path.display(),
                path.display()
            )));
        }
    }
    Ok(())
}

/// When `<stem>.pub` sits beside the key file, it must be this key's.
fn check_public_beside(path: &Path, key: &SecretKey) -> Result<()> {
    let public_path = path.with_extension("pub");
    if public_path == path || !public_path.is_file() {
        return Ok(());
    }
    let text = fs::read_to_string(&public_path).map_err(|source| Error::Read {
        path: public_path.clone(),
        source,
    })?;
    let public = PublicKey::parse(&text)
        .map_err(|e| Error::Signing(format!("{}: {e}", public_path.display())))?;
    if public != key.public_key() {
        return Err(Error::Signing(format!(
            "{} is the public key {}, but the secret key {} is key {}: they are not a pair",
            public_path.display(),
            public.id(),
            path.display(),
            key.id()
        )));
    }
    Ok(())
}

/// Reads a public key file.
pub fn read_public_key(path: &Path) -> Result<PublicKey> {
    let text = fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.into(),
        source,
    })?;
    PublicKey::parse(&text).map_err(|e| Error::Signing(format!("{}: {e}", path.display())))
}

/// What [`verify`] found for one file.
#[derive(Debug)]
pub struct Checked {
    pub path: PathBuf,
    /// The trusted comment when good, the reason when not.
    pub outcome: std::result::Result<String, String>,
}

/// Verifies files and output folders against `public`. A folder: every
/// `.minisig` in it, and `SHA256SUMS` with each file it lists (which must
/// be signed too). A file: its `.minisig` (given either the file or its
/// signature), and its line in a `SHA256SUMS` beside it, if any.
pub fn verify(public: &PublicKey, paths: &[PathBuf]) -> Vec<Checked> {
    let mut verifier = Verifier {
        public,
        digests: HashMap::new(),
        checked: Vec::new(),
    };
    for path in paths {
        if path.is_dir() {
            verifier.folder(path);
        } else {
            let file = match path.to_str().and_then(|p| p.strip_suffix(SIGNATURE_SUFFIX)) {
                Some(stripped) => PathBuf::from(stripped),
                None => path.clone(),
            };
            verifier.file(&file);
            if file.file_name().is_some_and(|n| n == SHA256SUMS) {
                verifier.sums(&file, None);
            } else if let Some(sums) = file.parent().map(|d| d.join(SHA256SUMS)) {
                if sums.is_file() {
                    verifier.sums(&sums, file.file_name().map(PathBuf::from));
                }
            }
        }
    }
    verifier.checked
}

/// The checks so far, and each file's digests, so that a file is read once
/// for its signature and its SHA256SUMS line.
struct Verifier<'a> {
    public: &'a PublicKey,
    digests: HashMap<PathBuf, Digests>,
    checked: Vec<Checked>,
}

impl Verifier<'_> {
    fn digests(&mut self, file: &Path) -> std::io::Result<Digests> {
        if let Some(d) = self.digests.get(file) {
            return Ok(d.clone());
        }
        let d = Digests::of_file(file)?;
        self.digests.insert(file.to_path_buf(), d.clone());
        Ok(d)
    }

    fn push(&mut self, path: &Path, outcome: std::result::Result<String, String>) {
        self.checked.push(Checked {
            path: path.into(),
            outcome,
        });
    }

    fn folder(&mut self, dir: &Path) {
        let mut signed: Vec<PathBuf> = match fs::read_dir(dir) {
            Ok(read) => read
                .flatten()
                .map(|e| e.path())
                .filter_map(|p| {
                    p.to_str()
                        .and_then(|s| s.strip_suffix(SIGNATURE_SUFFIX))
                        .map(PathBuf::from)
                })
                .collect(),
            Err(e) => return self.push(dir, Err(format!("cannot read the folder: {e}"))),
        };
        signed.sort();
        let sums = dir.join(SHA256SUMS);
        if signed.is_empty() && !sums.is_file() {
            return self.push(
                dir,
                Err("no .minisig and no SHA256SUMS: nothing is signed here".into()),
            );
        }
        for file in &signed {
            self.file(file);
        }
        if sums.is_file() {
            if !signed.contains(&sums) {
                self.file(&sums);
            }
            self.sums(&sums, None);
            // Every file SHA256SUMS lists must carry its own signature.
            for (_, name) in sums_lines(&sums).unwrap_or_default() {
                let file = dir.join(&name);
                if file.is_file() && !signed.contains(&file) {
                    let missing = signature_path(&file);
                    self.push(
                        &file,
                        Err(format!("not signed: {} is missing", missing.display())),
                    );
                }
            }
        }
    }

    fn file(&mut self, file: &Path) {
        let outcome = self.signature_of(file);
        self.push(file, outcome);
    }

    fn signature_of(&mut self, file: &Path) -> std::result::Result<String, String> {
        if !file.is_file() {
            return Err(format!("{} is missing", file.display()));
        }
        let sig_path = signature_path(file);
        let text = fs::read_to_string(&sig_path)
            .map_err(|e| format!("cannot read its signature {}: {e}", sig_path.display()))?;
        let signature =
            Signature::parse(&text).map_err(|e| format!("{}: {e}", sig_path.display()))?;
        let digests = self
            .digests(file)
            .map_err(|e| format!("cannot read: {e}"))?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.public
            .verify_named(&name, &signature, &digests)
            .map_err(|e| e.to_string())?;
        Ok(signature.trusted_comment().to_string())
    }

    /// Checks the digest of each file `sums` lists (or only `only`).
    fn sums(&mut self, sums: &Path, only: Option<PathBuf>) {
        let lines = match sums_lines(sums) {
            Ok(lines) => lines,
            Err(e) => return self.push(sums, Err(e)),
        };
        let dir = sums.parent().unwrap_or(Path::new("."));
        for (hash, name) in lines {
            if only
                .as_ref()
                .is_some_and(|o| o.as_os_str() != name.as_str())
            {
                continue;
            }
            let file = dir.join(&name);
            let outcome = match self.digests(&file) {
                Ok(d) if d.sha256_hex() == hash => Ok(format!("{SHA256SUMS}: sha256 {hash}")),
                Ok(d) => Err(format!(
                    "{SHA256SUMS} lists sha256 {hash}, the file's is {}",
                    d.sha256_hex()
                )),
                Err(e) => Err(format!("listed in {SHA256SUMS} but cannot be read: {e}")),
            };
            self.push(&file, outcome);
        }
    }
}

/// `(hash, name)` lines of a SHA256SUMS file.
fn sums_lines(sums: &Path) -> std::result::Result<Vec<(String, String)>, String> {
    let text = fs::read_to_string(sums).map_err(|e| format!("cannot read: {e}"))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            line.split_once("  ")
                .or_else(|| line.split_once(" *"))
                .map(|(h, n)| (h.to_ascii_lowercase(), n.to_string()))
                .ok_or_else(|| format!("malformed line `{line}`"))
        })
        .collect()
}
