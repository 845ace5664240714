//! Errors a backend reports: I/O with what was being done, and bad input with the fix.

use std::io;

/// A backend's error.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading a source or writing the artifact failed.
    #[error("{context}")]
    Io {
        context: String,
        #[source]
        source: io::Error,
    },
    /// The package holds something this format cannot express; the message
    /// names the field or path and says what would be accepted.
    #[error("{0}")]
    Invalid(String),
    /// The format cannot serve this target.
    #[error("format `{format}` cannot package for target `{target}`: it accepts {accepts}")]
    UnsupportedTarget {
        format: String,
        target: String,
        accepts: String,
    },
}

/// The result type of the backends.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Adds what was being done to an I/O error.
pub trait IoContext<T> {
    fn context_with(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn context_with(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Io {
            context: what(),
            source,
        })
    }
}
