//! Gzip on several threads, pigz-style: the input is cut into fixed blocks,
//! each block is deflated on its own thread with the previous 32 KiB as its
//! dictionary and ends on a byte boundary (a sync flush), so the blocks join
//! into one ordinary single-member gzip stream that any gunzip reads.
//!
//! The output depends only on the level and the block size, never on the
//! number of threads. The header carries no name and mtime 0 (like `gzip -n`).

use std::io::{self, Write};

use flate2::{Compress, Compression, FlushCompress, Status};

/// Bytes of input per block.
const BLOCK: usize = 1 << 20;
/// Deflate's window: how much of the previous block primes the next.
const WINDOW: usize = 32 * 1024;

/// A gzip writer that compresses blocks in parallel.
pub struct ParallelGzip<W: Write> {
    inner: Option<W>,
    level: u32,
    threads: usize,
    /// Input not yet compressed: up to `threads` blocks.
    pending: Vec<u8>,
    /// The last window of input already compressed.
    dictionary: Vec<u8>,
    crc: crc32fast::Hasher,
    total: u64,
    header_written: bool,
}

impl<W: Write> ParallelGzip<W> {
    pub fn new(inner: W, level: u32, threads: u32) -> Self {
        Self {
            inner: Some(inner),
            level: level.min(9),
            threads: threads.max(1) as usize,
            pending: Vec::with_capacity(BLOCK),
            dictionary: Vec::new(),
            crc: crc32fast::Hasher::new(),
            total: 0,
            header_written: false,
        }
    }

    fn inner(&mut self) -> &mut W {
        self.inner.as_mut().expect("ParallelGzip used after finish")
    }

    fn write_header(&mut self) -> io::Result<()> {
        if !self.header_written {
            // magic, deflate, no flags, mtime 0, extra flags (2 = best), OS unix.
            let xfl = if self.level >= 9 { 2 } else { 0 };
            self.inner()
                .write_all(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 3])?;
            self.header_written = true;
        }
        Ok(())
    }

    /// Compresses every full block in `pending` (and the rest when `last`).
    fn compress_pending(&mut self, last: bool) -> io::Result<()> {
        self.write_header()?;
        let full = if last {
            self.pending.len()
        } else {
            self.pending.len() / BLOCK * BLOCK
        };
        if full == 0 && !last {
            return Ok(());
        }
        let data = std::mem::take(&mut self.pending);
        let (work, rest) = data.split_at(full);
        let blocks: Vec<&[u8]> = if work.is_empty() {
            vec![work]
        } else {
            work.chunks(BLOCK).collect()
        };
        let count = blocks.len();
        let dictionaries: Vec<&[u8]> = (0..count)
            .map(|i| {
                if i == 0 {
                    &self.dictionary[..]
                } else {
                    tail(blocks[i - 1])
                }
            })
            .collect();
        let level = self.level;
        let results: Vec<io::Result<(Vec<u8>, u32)>> = std::thread::scope(|scope| {
            let handles: Vec<_> = blocks
                .iter()
                .zip(&dictionaries)
                .enumerate()
                .map(|(i, (block, dict))| {
                    let finish = last && i + 1 == count;
                    scope.spawn(move || deflate_block(block, dict, level, finish))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(io::Error::other("gzip worker panicked")))
                })
                .collect()
        });
        for ((block, result), _) in blocks.iter().zip(results).zip(0..) {
            let (bytes, crc) = result?;
            self.crc.combine(&crc32fast_hasher(crc, block.len() as u64));
            self.total += block.len() as u64;
            self.inner().write_all(&bytes)?;
        }
        if let Some(last_block) = blocks.last() {
            if !last_block.is_empty() {
                let mut dict = std::mem::take(&mut self.dictionary);
                dict.extend_from_slice(last_block);
                let keep = dict.len().saturating_sub(WINDOW);
                dict.drain(..keep);
                self.dictionary = dict;
            }
        }
        self.pending = Vec::with_capacity(BLOCK * self.threads);
        self.pending.extend_from_slice(rest);
        Ok(())
    }

    /// Writes the last block and the trailer and hands back the inner writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.compress_pending(true)?;
        let crc = std::mem::take(&mut self.crc).finalize();
        let size = self.total as u32;
        let mut inner = self.inner.take().expect("ParallelGzip finished twice");
        inner.write_all(&crc.to_le_bytes())?;
        inner.write_all(&size.to_le_bytes())?;
        Ok(inner)
    }
}

fn tail(block: &[u8]) -> &[u8] {
    &block[block.len().saturating_sub(WINDOW)..]
}

fn crc32fast_hasher(crc: u32, len: u64) -> crc32fast::Hasher {
    crc32fast::Hasher::new_with_initial_len(crc, len)
}

/// Raw-deflates one block; ends with a sync flush, or the final block marker.
fn deflate_block(
    block: &[u8],
    dictionary: &[u8],
    level: u32,
    finish: bool,
) -> io::Result<(Vec<u8>, u32)> {
    let mut compress = Compress::new(Compression::new(level), false);
    if !dictionary.is_empty() {
        compress
            .set_dictionary(dictionary)
            .map_err(io::Error::other)?;
    }
    let mut out = Vec::with_capacity(block.len() / 2 + 1024);
    let flush = if finish {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    loop {
        let consumed = compress.total_in() as usize;
        out.reserve(64 * 1024);
        let status = compress
            .compress_vec(&block[consumed..], &mut out, flush)
            .map_err(io::Error::other)?;
        let done_input = compress.total_in() as usize == block.len();
        match status {
            Status::StreamEnd => break,
            // A sync flush is complete once all input is in and room was left over.
            Status::Ok | Status::BufError
                if !finish && done_input && out.len() < out.capacity() =>
            {
                break
            }
            _ => {}
        }
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(block);
    Ok((out, crc.finalize()))
}

impl<W: Write> Write for ParallelGzip<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let room = BLOCK * self.threads - self.pending.len();
        let n = buf.len().min(room);
        self.pending.extend_from_slice(&buf[..n]);
        if self.pending.len() == BLOCK * self.threads {
            self.compress_pending(false)?;
        }
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(data: &[u8]) -> Vec<u8> {
        let mut d = flate2::read::GzDecoder::new(data);
        let mut out = Vec::new();
        d.read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn sizes_around_block_edges_round_trip_as_one_member() {
        for size in [0, 1, WINDOW, BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 17] {
            let input: Vec<u8> = (0..size)
                .map(|i| ((i * 31) % 253) as u8 ^ (i >> 12) as u8)
                .collect();
            for threads in [1, 2, 3] {
                let mut gz = ParallelGzip::new(Vec::new(), 9, threads);
                for chunk in input.chunks(70_001) {
                    gz.write_all(chunk).unwrap();
                }
                let out = gz.finish().unwrap();
                // GzDecoder (not MultiGzDecoder) stops after one member, so this
                // also proves the output is a single member.
                assert!(gunzip(&out) == input, "size {size}, threads {threads}");
            }
        }
    }
}
