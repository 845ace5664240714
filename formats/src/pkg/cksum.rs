//! The CRC the Bom stores for each file: the one POSIX `cksum` prints.
//!
//! It is not zlib's CRC-32: the polynomial 0x04C11DB7 runs MSB-first with no
//! reflection, starts from 0, is fed the content length (low byte first,
//! only as many bytes as the length needs) after the content, and is
//! complemented at the end. macOS `lsbom -s` and `cksum` agree on it.

/// The table for the MSB-first CRC with polynomial 0x04C11DB7.
const TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u32) << 24;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000_0000 != 0 {
                (crc << 1) ^ 0x04C1_1DB7
            } else {
                crc << 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// A running POSIX `cksum`.
#[derive(Clone, Debug, Default)]
pub struct Cksum {
    crc: u32,
    len: u64,
}

impl Cksum {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds content bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.step(b);
        }
        self.len += bytes.len() as u64;
    }

    fn step(&mut self, byte: u8) {
        self.crc = TABLE[((self.crc >> 24) as u8 ^ byte) as usize] ^ (self.crc << 8);
    }

    /// The checksum of everything added.
    pub fn finish(mut self) -> u32 {
        let mut len = self.len;
        while len > 0 {
            self.step(len as u8);
            len >>= 8;
        }
        !self.crc
    }

    /// The checksum of one byte string.
    pub fn of(bytes: &[u8]) -> u32 {
        let mut c = Self::new();
        c.update(bytes);
        c.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::Cksum;

    #[test]
    fn matches_posix_cksum() {
        // Values printed by GNU coreutils `printf … | cksum`.
        let cases: [(&[u8], u32); 4] = [
            (b"", 4_294_967_295),
            (b"APPL????", 742_937_289),
            (b"hello\n", 3_015_617_425),
            (
                b"/Library/Frameworks/Python.framework/Versions/3.9/Resources/Python.app/Contents/MacOS/Python",
                3_776_735_147,
            ),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                Cksum::of(bytes),
                want,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn split_updates_equal_one_update() {
        let data: Vec<u8> = (0..70_000u32).map(|i| (i * 31 % 251) as u8).collect();
        let mut c = Cksum::new();
        for chunk in data.chunks(4093) {
            c.update(chunk);
        }
        assert_eq!(c.finish(), Cksum::of(&data));
    }
}
