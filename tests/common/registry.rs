//! A real OCI registry for the tests: Debian's `docker-registry` (CNCF
//! Distribution), started as a plain process on a free localhost port with
//! filesystem storage in a temporary folder, with or without htpasswd
//! basic auth. Stopped when dropped.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use super::{run_ok, tool};

pub struct Registry {
    child: Child,
    pub dir: tempfile::TempDir,
    pub port: u16,
}

/// A port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Registry {
    /// Starts a registry; with `auth`, only that user and password get in.
    pub fn start(auth: Option<(&str, &str)>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut config = format!(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n",
            dir.path().join("data").display()
        );
        if let Some((user, password)) = auth {
            let out = run_ok(tool("htpasswd").args(["-Bbn", user, password]));
            let file = dir.path().join("htpasswd");
            std::fs::write(&file, &out.stdout).unwrap();
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: test\n    path: {}\n",
                file.display()
            ));
        }
        // Another test may take the port between the probe and the start:
        // then the registry exits and the next port is tried.
        for _ in 0..5 {
            let port = free_port();
            let text = format!("{config}http:\n  addr: 127.0.0.1:{port}\n");
            let path = dir.path().join("config.yml");
            std::fs::write(&path, text).unwrap();
            let log = std::fs::File::create(dir.path().join("log")).unwrap();
            let mut child = tool("docker-registry")
                .arg("serve")
                .arg(&path)
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .stdin(Stdio::null())
                .spawn()
                .expect("cannot start docker-registry");
            let deadline = Instant::now() + Duration::from_secs(20);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                if answers(port) {
                    return Self { child, dir, port };
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!(
            "docker-registry did not start: {}",
            std::fs::read_to_string(dir.path().join("log")).unwrap_or_default()
        );
    }

    /// `oci://127.0.0.1:PORT/REPO`.
    pub fn location(&self, repo: &str) -> String {
        format!("oci://127.0.0.1:{}/{repo}", self.port)
    }

    /// `127.0.0.1:PORT/REPO`, as skopeo's `docker://` wants it.
    pub fn skopeo_ref(&self, repo: &str, tag: &str) -> String {
        format!("docker://127.0.0.1:{}/{repo}:{tag}", self.port)
    }

    /// The registry's blob store: `…/blobs/sha256/<2>/<64>/data` files.
    pub fn blob_path(&self, digest_hex: &str) -> PathBuf {
        self.dir
            .path()
            .join("data/docker/registry/v2/blobs/sha256")
            .join(&digest_hex[..2])
            .join(digest_hex)
            .join("data")
    }
}

/// Whether `GET /v2/` gets an HTTP answer (200, or 401 with auth).
fn answers(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && (head.ends_with(b"200") || head.ends_with(b"401"))
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
