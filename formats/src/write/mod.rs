//! Shared streaming writers: tar, compression (parallel where the codec
//! allows), hashing and counting. Backends compose them the way tar-rs does:
//! tar builder → compressor → hashing writer → file, finishing each layer.

pub mod compress;
pub mod date;
pub mod exact;
pub mod hash;
pub mod pgzip;
pub mod tar;

pub use compress::{Codec, Compression, Encoder};
pub use hash::{CountingWriter, HashingWriter};
pub use tar::{LongNames, TarMeta, TarWriter};
