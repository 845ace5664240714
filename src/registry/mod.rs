//! The one OCI registry client of vitte-buildkit: the remote cache stores
//! its entries through it, and `publish` pushes through it too.
//!
//! Inside, the async `oci-client` crate runs on one tokio runtime owned by
//! [`Registry`]; outside, every call blocks. An artifact is one OCI image
//! manifest with its own `artifactType`, the empty config, and the file as
//! its single layer (the ORAS layout), tagged in one repository.
//! Connections are HTTPS, except plain HTTP for `localhost`, `127.0.0.1`,
//! `[::1]` or a location ending in `?insecure`. Nothing here knows what the
//! artifacts are.

pub mod auth;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::manifest::{OciDescriptor, OciImageManifest, OciManifest};
use oci_client::secrets::RegistryAuth;
use oci_client::{Reference, RegistryOperation};
use sha2::{Digest, Sha256};

pub use auth::Credentials;

/// The media type of an OCI image manifest.
const MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// The OCI empty descriptor: artifacts without a config point at `{}`.
const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
const EMPTY_DATA: &[u8] = b"{}";
/// The annotation holding an artifact's file name.
pub const TITLE_ANNOTATION: &str = "org.opencontainers.image.title";

/// A registry failure: what was attempted, and the registry's answer.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct RegistryError(pub String);

/// `oci://HOST/REPOSITORY[?insecure]`, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// `ghcr.io`, `127.0.0.1:5000`.
    pub host: String,
    /// `org/cache`.
    pub repository: String,
    /// Plain HTTP.
    pub insecure: bool,
}

impl Location {
    /// Parses `oci://HOST/REPO[?insecure]`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let rest = text.strip_prefix("oci://").ok_or_else(|| {
            format!("`{text}` is not a registry location; write oci://HOST/REPOSITORY")
        })?;
        let (rest, insecure) = match rest.split_once('?') {
            Some((rest, "insecure")) => (rest, true),
            Some((_, query)) => {
                return Err(format!(
                    "`{text}`: unknown option `?{query}`; the only one is `?insecure` (plain HTTP)"
                ))
            }
            None => (rest, false),
        };
        let (host, repository) = rest
            .split_once('/')
            .ok_or_else(|| format!("`{text}` names no repository; write oci://HOST/REPOSITORY"))?;
        let repository = repository.trim_end_matches('/');
        let valid_repo = !repository.is_empty()
            && repository.split('/').all(|part| {
                !part.is_empty()
                    && part
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
            });
        if host.is_empty() || !valid_repo {
            return Err(format!(
                "`{text}`: the repository must be lower-case letters, digits, `.`, `_`, `-` and `/`"
            ));
        }
        let local = ["localhost", "127.0.0.1", "[::1]"]
            .iter()
            .any(|h| host == *h || host.starts_with(&format!("{h}:")));
        Ok(Self {
            host: host.to_string(),
            repository: repository.to_string(),
            insecure: insecure || local,
        })
    }

    fn reference(&self, tag: &str) -> Reference {
        Reference::with_tag(self.host.clone(), self.repository.clone(), tag.to_string())
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "oci://{}/{}", self.host, self.repository)
    }
}

/// What to push: one file as one artifact.
pub struct Upload<'a> {
    pub path: &'a Path,
    /// The layer's media type.
    pub media_type: &'a str,
    /// The manifest's `artifactType`.
    pub artifact_type: &'a str,
    pub annotations: BTreeMap<String, String>,
}

/// What a pull found.
#[derive(Debug)]
pub struct Pulled {
    /// The layer's `sha256:…` digest, checked against the bytes received.
    pub digest: String,
    pub size: u64,
    pub annotations: BTreeMap<String, String>,
}

/// A blocking client for one repository.
pub struct Registry {
    runtime: tokio::runtime::Runtime,
    client: oci_client::Client,
    location: Location,
    auth: RegistryAuth,
    /// Bound on each request that moves no artifact bytes.
    timeout: Duration,
}

impl Registry {
    /// A client for `location`, with its credentials; connects lazily.
    /// `timeout` bounds connecting, each request without a payload, and
    /// every pause while a payload moves.
    pub fn new(location: &Location, timeout: Duration) -> Result<Self, RegistryError> {
        // reqwest's rustls needs a process-wide provider; another caller may
        // have installed one already, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| RegistryError(format!("cannot start the registry client: {e}")))?;
        let config = ClientConfig {
            protocol: if location.insecure {
                ClientProtocol::Http
            } else {
                ClientProtocol::Https
            },
            use_monolithic_push: true,
            read_timeout: Some(timeout),
            connect_timeout: Some(timeout),
            user_agent: concat!("vitte-buildkit/", env!("CARGO_PKG_VERSION")),
            ..Default::default()
        };
        let auth = match auth::credentials_for(&location.host) {
            Credentials::Anonymous => RegistryAuth::Anonymous,
            Credentials::Basic { user, password } => RegistryAuth::Basic(user, password),
        };
        Ok(Self {
            runtime,
            client: oci_client::Client::new(config),
            location: location.clone(),
            auth,
            timeout,
        })
    }

    /// The repository this client talks to.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Pulls the single-layer artifact tagged `tag` into `dest` (created or
    /// truncated). `Ok(None)`: no such tag, or not an artifact of
    /// `artifact_type`. A layer whose bytes do not match its digest is an error.
    pub fn pull(
        &self,
        tag: &str,
        artifact_type: &str,
        dest: &Path,
    ) -> Result<Option<Pulled>, RegistryError> {
        let reference = self.location.reference(tag);
        self.runtime.block_on(async {
            let manifest = tokio::time::timeout(
                self.timeout,
                self.client.pull_image_manifest(&reference, &self.auth),
            )
            .await
            .map_err(|_| self.timed_out("reading", tag))?;
            let manifest = match manifest {
                Ok((manifest, _)) => manifest,
                Err(e) if is_not_found(&e) => return Ok(None),
                Err(e) => return Err(self.failed("reading", tag, &e)),
            };
            let layer = match manifest.layers.as_slice() {
                [layer] if manifest.artifact_type.as_deref() == Some(artifact_type) => layer,
                _ => return Ok(None),
            };
            let file = std::fs::File::create(dest)
                .map_err(|e| RegistryError(format!("cannot create {}: {e}", dest.display())))?;
            self.client
                .pull_blob(&reference, layer, tokio::fs::File::from_std(file))
                .await
                .map_err(|e| self.failed("downloading", tag, &e))?;
            Ok(Some(Pulled {
                digest: layer.digest.clone(),
                size: u64::try_from(layer.size).unwrap_or_default(),
                annotations: manifest.annotations.unwrap_or_default(),
            }))
        })
    }

    /// Pushes `upload` as an artifact tagged `tag`; returns the manifest URL.
    pub fn push(&self, tag: &str, upload: &Upload<'_>) -> Result<String, RegistryError> {
        let (size, digest) = sha256_file(upload.path)
            .map_err(|e| RegistryError(format!("cannot read {}: {e}", upload.path.display())))?;
        let reference = self.location.reference(tag);
        let empty_digest = format!("sha256:{:x}", Sha256::digest(EMPTY_DATA));
        let layer = OciDescriptor {
            media_type: upload.media_type.to_string(),
            digest: digest.clone(),
            size: size as i64,
            annotations: upload
                .path
                .file_name()
                .map(|n| BTreeMap::from([(TITLE_ANNOTATION.into(), n.to_string_lossy().into())])),
            ..Default::default()
        };
        let manifest = OciImageManifest {
            schema_version: 2,
            media_type: Some(MANIFEST_MEDIA_TYPE.into()),
            config: OciDescriptor {
                media_type: EMPTY_MEDIA_TYPE.into(),
                digest: empty_digest.clone(),
                size: EMPTY_DATA.len() as i64,
                ..Default::default()
            },
            layers: vec![layer],
            subject: None,
            artifact_type: Some(upload.artifact_type.into()),
            annotations: Some(upload.annotations.clone()),
        };
        let path = upload.path.to_path_buf();
        self.runtime.block_on(async {
            let step =
                |e: oci_client::errors::OciDistributionError| self.failed("pushing", tag, &e);
            tokio::time::timeout(
                self.timeout,
                self.client
                    .auth(&reference, &self.auth, RegistryOperation::Push),
            )
            .await
            .map_err(|_| self.timed_out("pushing", tag))?
            .map_err(step)?;
            if !self
                .client
                .blob_exists(&reference, &empty_digest)
                .await
                .map_err(step)?
            {
                self.client
                    .push_blob(&reference, EMPTY_DATA, &empty_digest)
                    .await
                    .map_err(step)?;
            }
            if !self
                .client
                .blob_exists(&reference, &digest)
                .await
                .map_err(step)?
            {
                self.client
                    .push_blob_stream(&reference, file_stream(path), &digest, Some(size))
                    .await
                    .map_err(step)?;
            }
            tokio::time::timeout(
                self.timeout,
                self.client
                    .push_manifest(&reference, &OciManifest::Image(manifest)),
            )
            .await
            .map_err(|_| self.timed_out("pushing", tag))?
            .map_err(step)
        })
    }

    fn failed(
        &self,
        doing: &str,
        tag: &str,
        e: &oci_client::errors::OciDistributionError,
    ) -> RegistryError {
        let mut message = format!("{doing} {}:{tag}: {e}", self.location);
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            message.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        if matches!(
            e,
            oci_client::errors::OciDistributionError::UnauthorizedError { .. }
                | oci_client::errors::OciDistributionError::AuthenticationFailure(_)
        ) {
            message.push_str(&format!(
                " (credentials come from {} and {}, else `docker login`'s config.json)",
                auth::USER_ENV,
                auth::PASSWORD_ENV
            ));
        }
        RegistryError(message)
    }

    fn timed_out(&self, doing: &str, tag: &str) -> RegistryError {
        RegistryError(format!(
            "{doing} {}:{tag}: no answer within {} s",
            self.location,
            self.timeout.as_secs_f32()
        ))
    }
}

/// Whether the registry said the tag (or the repository) does not exist.
fn is_not_found(e: &oci_client::errors::OciDistributionError) -> bool {
    use oci_client::errors::{OciDistributionError as E, OciErrorCode as C};
    match e {
        E::ImageManifestNotFoundError(_) => true,
        E::RegistryError { envelope, .. } => envelope
            .errors
            .iter()
            .any(|e| matches!(e.code, C::ManifestUnknown | C::NameUnknown)),
        _ => false,
    }
}

/// Size and `sha256:…` digest of a file, streamed.
fn sha256_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let size = std::io::copy(&mut std::fs::File::open(path)?, &mut hasher)?;
    Ok((size, format!("sha256:{:x}", hasher.finalize())))
}

/// The file as a stream of 1 MiB chunks, read as the upload asks for them.
fn file_stream(
    path: std::path::PathBuf,
) -> impl futures_util::Stream<Item = oci_client::errors::Result<bytes::Bytes>> + Send + 'static {
    let file = std::fs::File::open(path);
    futures_util::stream::unfold(Some(file), |state| async move {
        let mut file = match state? {
            Ok(file) => file,
            Err(e) => return Some((Err(e.into()), None)),
        };
        let mut buf = vec![0u8; 1 << 20];
        match file.read(&mut buf) {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(bytes::Bytes::from(buf)), Some(Ok(file))))
            }
            Err(e) => Some((Err(e.into()), None)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_parse_and_choose_the_scheme() {
        let cases = [
            ("oci://ghcr.io/org/cache", "ghcr.io", "org/cache", false),
            (
                "oci://127.0.0.1:5000/cache",
                "127.0.0.1:5000",
                "cache",
                true,
            ),
            ("oci://localhost/c/", "localhost", "c", true),
            ("oci://reg.lan:5000/c?insecure", "reg.lan:5000", "c", true),
            (
                "oci://localhost.evil.com/c",
                "localhost.evil.com",
                "c",
                false,
            ),
        ];
        for (text, host, repo, insecure) in cases {
            let l = Location::parse(text).unwrap();
            assert_eq!(
                (l.host.as_str(), l.repository.as_str(), l.insecure),
                (host, repo, insecure),
                "{text}"
            );
        }
        for bad in [
            "ghcr.io/x",
            "oci://ghcr.io",
            "oci:///x",
            "oci://h/Upper",
            "oci://h/x?tls=off",
            "oci://h//x",
        ] {
            assert!(Location::parse(bad).is_err(), "{bad}");
        }
    }
}
