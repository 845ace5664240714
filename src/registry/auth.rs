//! Registry credentials: `VITTE_BUILDKIT_REGISTRY_USER` and
//! `VITTE_BUILDKIT_REGISTRY_PASSWORD` first, then the `auths` of Docker's
//! `config.json` (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`),
//! the file `docker login`, `skopeo login` and CI actions write.
//!
//! Credential helpers (`credsStore`, `credHelpers`) are not run: a registry
//! only reachable through one is used anonymously and the remote reports
//! the refusal as a warning.

use std::path::PathBuf;

use base64::Engine;
use serde::Deserialize;

/// The user name variable.
pub const USER_ENV: &str = "VITTE_BUILDKIT_REGISTRY_USER";
/// The password (or token) variable.
pub const PASSWORD_ENV: &str = "VITTE_BUILDKIT_REGISTRY_PASSWORD";

/// Credentials for one registry host.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    Anonymous,
    Basic { user: String, password: String },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Anonymous => write!(f, "Anonymous"),
            Self::Basic { user, .. } => write!(f, "Basic({user}, ***)"),
        }
    }
}

#[derive(Deserialize, Default)]
struct DockerConfig {
    #[serde(default)]
    auths: std::collections::BTreeMap<String, DockerAuth>,
}

#[derive(Deserialize)]
struct DockerAuth {
    auth: Option<String>,
    username: Option<String>,
    password: Option<String>,
}

/// The credentials for `host` (`ghcr.io`, `127.0.0.1:5000`).
pub fn credentials_for(host: &str) -> Credentials {
    if let (Ok(user), Ok(password)) = (std::env::var(USER_ENV), std::env::var(PASSWORD_ENV)) {
        return Credentials::Basic { user, password };
    }
    docker_config_path()
        .and_then(|path| std::fs::read_to_string(path).ok())
        .and_then(|text| from_docker_config(&text, host))
        .unwrap_or(Credentials::Anonymous)
}

fn docker_config_path() -> Option<PathBuf> {
    match std::env::var_os("DOCKER_CONFIG") {
        Some(dir) => Some(PathBuf::from(dir).join("config.json")),
        None => std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker/config.json")),
    }
}

/// Finds `host` in a config.json's `auths`, whose keys may be a bare host
/// or a URL (`https://index.docker.io/v1/`).
fn from_docker_config(text: &str, host: &str) -> Option<Credentials> {
    let config: DockerConfig = serde_json::from_str(text).ok()?;
    let entry = config.auths.iter().find_map(|(key, auth)| {
        let bare = key
            .trim_start_matches("https://")
            .trim_start_matches("http://");
        let bare = bare.split('/').next().unwrap_or(bare);
        (bare == host).then_some(auth)
    })?;
    if let (Some(user), Some(password)) = (&entry.username, &entry.password) {
        return Some(Credentials::Basic {
            user: user.clone(),
            password: password.clone(),
        });
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(entry.auth.as_deref()?.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some(Credentials::Basic {
        user: user.to_string(),
        password: password.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docker_config_auth_is_decoded_for_the_matching_host() {
        // base64("ci:s3cr:et")
        let text = r#"{"auths": {"https://ghcr.io/v1/": {"auth": "Y2k6czNjcjpldA=="},
                       "127.0.0.1:5000": {"username": "u", "password": "p"}}}"#;
        assert_eq!(
            from_docker_config(text, "ghcr.io"),
            Some(Credentials::Basic {
                user: "ci".into(),
                password: "s3cr:et".into()
            })
        );
        assert_eq!(
            from_docker_config(text, "127.0.0.1:5000"),
            Some(Credentials::Basic {
                user: "u".into(),
                password: "p".into()
            })
        );
        assert_eq!(from_docker_config(text, "quay.io"), None);
        assert_eq!(from_docker_config("not json", "ghcr.io"), None);
    }
}
