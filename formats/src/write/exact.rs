//! Reading a model entry's content exactly as planned: the size recorded
//! when the manifest was resolved is the size every format writes into its
//! headers before the bytes, so a source that grows or shrinks meanwhile is
//! an error, never a corrupt archive.

use std::io::{self, Read, Write};

use crate::error::{Error, IoContext, Result};
use crate::model::Entry;
use crate::Events;

/// The error for a source whose size changed after planning.
pub fn changed(entry: &Entry) -> Error {
    Error::Invalid(format!(
        "{} changed size while it was being packaged (expected {} bytes); rebuild and try again",
        entry.source_name(),
        entry.size
    ))
}

/// Streams exactly `entry.size` bytes of the entry's content into `out`,
/// handing every byte to `observe`; a source that is shorter or longer is
/// [`changed`], a failed write names `destination`.
pub fn copy(
    entry: &Entry,
    out: &mut impl Write,
    events: &dyn Events,
    observe: &mut dyn FnMut(&[u8]),
    destination: &str,
) -> Result<()> {
    let mut reader = ExactReader::open(entry, events, observe)?;
    match io::copy(&mut reader, out) {
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(changed(entry)),
        Err(e) => Err(Error::Io {
            context: format!("cannot write {} into {destination}", entry.path),
            source: e,
        }),
        Ok(_) if reader.source_has_more()? => Err(changed(entry)),
        Ok(_) => Ok(()),
    }
}

/// Reads exactly `entry.size` bytes of the entry's content, reporting
/// progress and handing every byte to `observe` (for digests computed in
/// the same pass); a source that ends early reads as `UnexpectedEof`.
pub struct ExactReader<'a, R> {
    inner: R,
    left: u64,
    events: &'a dyn Events,
    observe: &'a mut dyn FnMut(&[u8]),
}

impl<'a> ExactReader<'a, Box<dyn Read + 'a>> {
    /// Opens the entry's content.
    pub fn open(
        entry: &'a Entry,
        events: &'a dyn Events,
        observe: &'a mut dyn FnMut(&[u8]),
    ) -> Result<Self> {
        let inner = entry
            .open()
            .context_with(|| format!("cannot read {}", entry.source_name()))?;
        Ok(Self {
            inner,
            left: entry.size,
            events,
            observe,
        })
    }
}

impl<R: Read> ExactReader<'_, R> {
    /// Whether the source holds more than the planned size.
    pub fn source_has_more(&mut self) -> Result<bool> {
        let mut byte = [0u8; 1];
        Ok(self
            .inner
            .read(&mut byte)
            .context_with(|| "cannot read source".into())?
            > 0)
    }
}

impl<R: Read> Read for ExactReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        let max = buf.len().min(self.left.min(usize::MAX as u64) as usize);
        let n = self.inner.read(&mut buf[..max])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "source shrank",
            ));
        }
        self.left -= n as u64;
        (self.observe)(&buf[..n]);
        self.events.progress(n as u64);
        Ok(n)
    }
}
