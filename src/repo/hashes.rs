//! The digests repositories list for a file: apt's Release names MD5Sum,
//! SHA1, SHA256 and SHA512; rpm-md uses SHA256.

use std::io::{self, Read, Write};

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

/// The size and the digests (lower-case hex) of one file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Hashes {
    pub size: u64,
    pub md5: String,
    pub sha1: String,
    pub sha256: String,
    pub sha512: String,
}

impl Hashes {
    /// Hashes everything `reader` yields, streaming.
    pub fn of_reader(mut reader: impl Read) -> io::Result<Self> {
        let mut hasher = Hasher::default();
        io::copy(&mut reader, &mut hasher)?;
        Ok(hasher.finish())
    }

    pub fn of_bytes(bytes: &[u8]) -> Self {
        let mut hasher = Hasher::default();
        hasher.update(bytes);
        hasher.finish()
    }

    /// The digest apt names `name` (`MD5Sum`, `SHA1`, `SHA256`, `SHA512`).
    pub fn by_apt_name(&self, name: &str) -> &str {
        match name {
            "MD5Sum" => &self.md5,
            "SHA1" => &self.sha1,
            "SHA256" => &self.sha256,
            _ => &self.sha512,
        }
    }
}

/// A writer that hashes what goes through it.
#[derive(Default)]
pub struct Hasher {
    size: u64,
    md5: Md5,
    sha1: Sha1,
    sha256: Sha256,
    sha512: Sha512,
}

impl Hasher {
    pub fn update(&mut self, bytes: &[u8]) {
        self.size += bytes.len() as u64;
        self.md5.update(bytes);
        self.sha1.update(bytes);
        self.sha256.update(bytes);
        self.sha512.update(bytes);
    }

    pub fn finish(self) -> Hashes {
        Hashes {
            size: self.size,
            md5: hex(&self.md5.finalize()),
            sha1: hex(&self.sha1.finalize()),
            sha256: hex(&self.sha256.finalize()),
            sha512: hex(&self.sha512.finalize()),
        }
    }
}

impl Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        let h = Hashes::of_bytes(b"abc");
        assert_eq!(h.size, 3);
        assert_eq!(h.md5, "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(h.sha1, "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert!(h.sha256.starts_with("ba7816bf8f01cfea"));
        assert!(h.sha512.starts_with("ddaf35a193617aba"));
        assert_eq!(Hashes::of_reader(&b"abc"[..]).unwrap(), h);
    }
}
