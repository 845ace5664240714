//! Compression codecs behind one writer type, multi-threaded where possible.
//!
//! Output depends only on the codec, level and block size, never on the
//! thread count, so builds stay reproducible on any machine.

use std::io::{self, Write};

use super::pgzip::ParallelGzip;

/// A compression codec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Codec {
    None,
    Gzip,
    Xz,
    Zstd,
}

/// A codec with its settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compression {
    pub codec: Codec,
    /// Codec level; `None` for the codec's usual default (gzip 9, xz 6, zstd 19).
    pub level: Option<u32>,
    /// xz block size in bytes; `None` for liblzma's default (3 × dictionary).
    pub xz_block_size: Option<u64>,
}

impl Compression {
    pub fn none() -> Self {
        Self::of(Codec::None)
    }
    pub fn gzip() -> Self {
        Self::of(Codec::Gzip)
    }
    pub fn xz() -> Self {
        Self::of(Codec::Xz)
    }
    pub fn zstd() -> Self {
        Self::of(Codec::Zstd)
    }
    fn of(codec: Codec) -> Self {
        Self {
            codec,
            level: None,
            xz_block_size: None,
        }
    }

    /// Parses a manifest value: `gzip`, `xz`, `zstd` or `none`.
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "gzip" | "gz" => Self::gzip(),
            "xz" => Self::xz(),
            "zstd" | "zst" => Self::zstd(),
            "none" => Self::none(),
            _ => None?,
        })
    }

    /// The file-name extension without its dot (`gz`, `xz`, `zst`), empty for none.
    pub fn extension(&self) -> &'static str {
        match self.codec {
            Codec::None => "",
            Codec::Gzip => "gz",
            Codec::Xz => "xz",
            Codec::Zstd => "zst",
        }
    }

    /// Wraps `inner` in a compressor using up to `threads` threads.
    pub fn encoder<W: Write>(&self, inner: W, threads: u32) -> io::Result<Encoder<W>> {
        let threads = threads.max(1);
        Ok(match self.codec {
            Codec::None => Encoder::None(inner),
            Codec::Gzip => {
                Encoder::Gzip(ParallelGzip::new(inner, self.level.unwrap_or(9), threads))
            }
            Codec::Xz => {
                let mut builder = liblzma::stream::MtStreamBuilder::new();
                builder
                    .threads(threads)
                    .preset(self.level.unwrap_or(6))
                    .check(liblzma::stream::Check::Crc64);
                if let Some(size) = self.xz_block_size {
                    builder.block_size(size);
                }
                let stream = builder.encoder().map_err(io::Error::other)?;
                Encoder::Xz(liblzma::write::XzEncoder::new_stream(inner, stream))
            }
            Codec::Zstd => {
                let mut enc = zstd::Encoder::new(inner, self.level.unwrap_or(19) as i32)?;
                // Always at least one worker: zstd's output is the same for any
                // worker count >= 1, but differs from single-threaded mode.
                enc.multithread(threads)?;
                enc.include_checksum(true)?;
                Encoder::Zstd(enc)
            }
        })
    }
}

/// A compressing writer; call [`Encoder::finish`] to complete the stream.
pub enum Encoder<W: Write> {
    None(W),
    Gzip(ParallelGzip<W>),
    Xz(liblzma::write::XzEncoder<W>),
    Zstd(zstd::Encoder<'static, W>),
}

impl<W: Write> Encoder<W> {
    /// Writes the end of the stream and hands back the inner writer.
    pub fn finish(self) -> io::Result<W> {
        match self {
            Encoder::None(w) => Ok(w),
            Encoder::Gzip(e) => e.finish(),
            Encoder::Xz(e) => e.finish(),
            Encoder::Zstd(e) => e.finish(),
        }
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Encoder::None(w) => w.write(buf),
            Encoder::Gzip(e) => e.write(buf),
            Encoder::Xz(e) => e.write(buf),
            Encoder::Zstd(e) => e.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Encoder::None(w) => w.flush(),
            Encoder::Gzip(e) => e.flush(),
            Encoder::Xz(e) => e.flush(),
            Encoder::Zstd(e) => e.flush(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn sample() -> Vec<u8> {
        (0..3_000_000u32)
            .flat_map(|i| ((i.wrapping_mul(7919) % 251) ^ (i >> 14)).to_le_bytes())
            .collect()
    }

    fn round_trip(c: Compression, threads: u32) -> Vec<u8> {
        let mut enc = c.encoder(Vec::new(), threads).unwrap();
        enc.write_all(&sample()).unwrap();
        enc.finish().unwrap()
    }

    #[test]
    fn every_codec_round_trips_and_ignores_thread_count() {
        for c in [
            Compression::none(),
            Compression::gzip(),
            Compression::xz(),
            Compression::zstd(),
        ] {
            let one = round_trip(c, 1);
            let two = round_trip(c, 2);
            assert_eq!(one, two, "{:?}: output depends on thread count", c.codec);
            let mut back = Vec::new();
            match c.codec {
                Codec::None => back = one.clone(),
                Codec::Gzip => {
                    flate2::read::GzDecoder::new(&one[..])
                        .read_to_end(&mut back)
                        .unwrap();
                }
                Codec::Xz => {
                    liblzma::read::XzDecoder::new(&one[..])
                        .read_to_end(&mut back)
                        .unwrap();
                }
                Codec::Zstd => back = zstd::decode_all(&one[..]).unwrap(),
            }
            assert!(back == sample(), "{:?}: round trip differs", c.codec);
        }
    }
}
