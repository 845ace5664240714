//! What the pipeline reports while it works. The library never prints: it
//! hands events to a [`Listener`]; the CLI supplies a human or a JSON one.

use std::path::PathBuf;

use serde::Serialize;

/// One artifact written into the output folder.
#[derive(Clone, Debug, Serialize)]
pub struct Artifact {
    pub format: String,
    pub target: String,
    pub path: PathBuf,
    pub size: u64,
    pub sha256: String,
    /// The detached minisign signature, when the build was signed.
    pub signature: Option<PathBuf>,
    /// Where the bytes came from; `None` when the cache is off.
    pub cache: Option<crate::cache::Outcome>,
}

/// Something that happened during a build.
#[derive(Debug)]
pub enum Event<'a> {
    /// A format starts writing for a target.
    Packaging {
        name: &'a str,
        version: &'a str,
        format: &'a str,
        target: &'a str,
        payload_bytes: u64,
    },
    /// More payload bytes were read.
    Progress { bytes: u64 },
    /// `--format all` left out a format that cannot serve the target.
    Skipped {
        format: &'a str,
        target: &'a str,
        reason: &'a str,
    },
    /// An entry marked `arch-check = false` was not inspected.
    Unchecked { path: &'a str, target: &'a str },
    /// The lint gate found something that does not stop the build.
    Lint(&'a crate::lint::Finding),
    /// A note that does not stop the build.
    Warning(&'a str),
    /// An artifact is in place.
    Artifact(&'a Artifact),
    /// Nothing was signed because no key was given.
    Unsigned,
    /// Every artifact and SHA256SUMS got a `.minisig` from this key (and
    /// formats that embed a signature used its OpenPGP form).
    Signed {
        key_id: &'a str,
        openpgp_fingerprint: &'a str,
    },
}

/// Receives the pipeline's events.
pub trait Listener: Sync {
    fn event(&self, event: Event<'_>);
}

/// A listener that ignores everything.
pub struct Quiet;

impl Listener for Quiet {
    fn event(&self, _event: Event<'_>) {}
}

/// Adapts a [`Listener`] to the backends' event sink.
pub(crate) struct FormatEvents<'a>(pub &'a dyn Listener);

impl vitte_buildkit_formats::Events for FormatEvents<'_> {
    fn progress(&self, bytes: u64) {
        self.0.event(Event::Progress { bytes });
    }
    fn warning(&self, message: &str) {
        self.0.event(Event::Warning(message));
    }
}
