//! Writers that hash or count what passes through them.

use std::io::{self, Write};

use sha2::Digest;

/// Passes bytes to `inner` while feeding them to a digest.
pub struct HashingWriter<W, D> {
    inner: W,
    digest: D,
}

impl<W: Write, D: Digest> HashingWriter<W, D> {
    pub fn new(inner: W) -> Self {
        Self {
            inner,
            digest: D::new(),
        }
    }
    /// The inner writer and the digest of everything written.
    pub fn finish(self) -> (W, Vec<u8>) {
        (self.inner, self.digest.finalize().to_vec())
    }
}

impl<W: Write, D: Digest> Write for HashingWriter<W, D> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.digest.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Counts the bytes written to `inner`.
pub struct CountingWriter<W> {
    inner: W,
    count: u64,
}

impl<W: Write> CountingWriter<W> {
    pub fn new(inner: W) -> Self {
        Self { inner, count: 0 }
    }
    pub fn count(&self) -> u64 {
        self.count
    }
    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for CountingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
