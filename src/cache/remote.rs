//! The remote store: cache entries as OCI artifacts in one repository of a
//! registry, tagged with their key (BuildKit's `type=registry` cache and
//! ORAS do the same). Each is an image manifest with `artifactType`
//! [`ARTIFACT_TYPE`], the empty config, and the artifact as its one layer;
//! the layer's digest, checked on every pull, is the entry's digest.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use crate::registry::{Location, Pulled, Registry, Upload};

use super::key::Key;

/// The `artifactType` of a cache entry.
pub const ARTIFACT_TYPE: &str = "application/vnd.vitte-buildkit.cache.v1";
/// The media type of the entry's one layer, the artifact itself.
pub const LAYER_MEDIA_TYPE: &str = "application/vnd.vitte-buildkit.artifact.v1";
/// Annotations naming what the entry holds, for people browsing the registry.
pub const FORMAT_ANNOTATION: &str = "dev.vitte.buildkit.format";
pub const TARGET_ANNOTATION: &str = "dev.vitte.buildkit.target";

/// A repository holding cache entries.
pub struct RemoteStore {
    registry: Registry,
}

impl RemoteStore {
    pub fn new(location: &Location, timeout: Duration) -> Result<Self, String> {
        Ok(Self {
            registry: Registry::new(location, timeout).map_err(|e| e.to_string())?,
        })
    }

    /// Pulls the entry of `key` into `dest`; `Ok(None)` when there is none.
    pub fn get(&self, key: &Key, dest: &Path) -> Result<Option<Pulled>, String> {
        self.registry
            .pull(&key.to_string(), ARTIFACT_TYPE, dest)
            .map_err(|e| e.to_string())
    }

    /// Pushes `artifact` as the entry of `key`.
    pub fn put(
        &self,
        key: &Key,
        artifact: &Path,
        format: &str,
        target: &str,
    ) -> Result<(), String> {
        let upload = Upload {
            path: artifact,
            media_type: LAYER_MEDIA_TYPE,
            artifact_type: ARTIFACT_TYPE,
            annotations: BTreeMap::from([
                (FORMAT_ANNOTATION.to_string(), format.to_string()),
                (TARGET_ANNOTATION.to_string(), target.to_string()),
            ]),
        };
        self.registry
            .push(&key.to_string(), &upload)
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
