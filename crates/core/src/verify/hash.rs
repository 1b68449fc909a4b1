//! Streaming digests: constant memory, progress, cancellation, several
//! algorithms in one pass.

use super::Algorithm;
use crate::progress::{Cancel, Progress};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::io::Read;
use ts_rs::TS;

/// Large enough that BLAKE3 can spread one chunk over every core and the
/// per-read overhead vanishes; small enough to keep memory flat.
pub const CHUNK: usize = 4 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Digest {
    pub algorithm: Algorithm,
    /// Lower-case hex.
    pub hex: String,
}

enum Hasher {
    Sha256(Box<sha2::Sha256>),
    Sha512(Box<sha2::Sha512>),
    Blake3(Box<blake3::Hasher>),
    Sha1(Box<sha1::Sha1>),
    Md5(Box<md5::Md5>),
}

impl Hasher {
    fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Sha256 => Hasher::Sha256(Box::default()),
            Algorithm::Sha512 => Hasher::Sha512(Box::default()),
            Algorithm::Blake3 => Hasher::Blake3(Box::default()),
            Algorithm::Sha1 => Hasher::Sha1(Box::default()),
            Algorithm::Md5 => Hasher::Md5(Box::default()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
            Hasher::Blake3(h) => {
                // Only worth the thread hand-off for big slices.
                if bytes.len() >= 256 << 10 {
                    h.update_rayon(bytes);
                } else {
                    h.update(bytes);
                }
            }
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::Md5(h) => h.update(bytes),
        }
    }

    fn finish(self) -> String {
        match self {
            Hasher::Sha256(h) => hex::encode(h.finalize()),
            Hasher::Sha512(h) => hex::encode(h.finalize()),
            Hasher::Blake3(h) => h.finalize().to_hex().to_string(),
            Hasher::Sha1(h) => hex::encode(h.finalize()),
            Hasher::Md5(h) => hex::encode(h.finalize()),
        }
    }
}

/// Feeds bytes to several hashers at once.
pub struct MultiHasher {
    hashers: Vec<(Algorithm, Hasher)>,
}

impl std::fmt::Debug for MultiHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<_> = self.hashers.iter().map(|(a, _)| a.name()).collect();
        f.debug_struct("MultiHasher")
            .field("algorithms", &names)
            .finish()
    }
}

impl MultiHasher {
    pub fn new(algorithms: &[Algorithm]) -> Self {
        let mut seen = Vec::new();
        for a in algorithms {
            if !seen.contains(a) {
                seen.push(*a);
            }
        }
        MultiHasher {
            hashers: seen.into_iter().map(|a| (a, Hasher::new(a))).collect(),
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        for (_, h) in &mut self.hashers {
            h.update(bytes);
        }
    }

    pub fn finish(self) -> Vec<Digest> {
        self.hashers
            .into_iter()
            .map(|(algorithm, h)| Digest {
                algorithm,
                hex: h.finish(),
            })
            .collect()
    }
}

/// Reads `reader` to the end in chunks, hashing with every algorithm.
/// `total` is only for progress (0 when unknown). `sink` sees every chunk,
/// e.g. to copy the bytes into staging while they are hashed.
pub fn hash_stream(
    reader: &mut (dyn Read + Send),
    algorithms: &[Algorithm],
    total: u64,
    progress: &dyn Progress,
    cancel: &Cancel,
    sink: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<(Vec<Digest>, u64)> {
    use std::sync::mpsc;
    let mut hasher = MultiHasher::new(algorithms);
    let mut done = 0u64;
    // Two buffers take turns: one is filled by a reader thread while the
    // other is hashed, so reading from the disk (or copying out of the page
    // cache) overlaps with hashing.
    let (full_tx, full_rx) = mpsc::sync_channel::<Result<(Vec<u8>, usize)>>(1);
    let (empty_tx, empty_rx) = mpsc::sync_channel::<Vec<u8>>(2);
    for _ in 0..2 {
        let _ = empty_tx.send(vec![0u8; CHUNK]);
    }
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Ok(mut buf) = empty_rx.recv() {
                let read = read_full(reader, &mut buf);
                let end = matches!(read, Ok(0) | Err(_));
                if full_tx.send(read.map(|n| (buf, n))).is_err() || end {
                    break;
                }
            }
        });
        let result = (|| {
            loop {
                cancel.check()?;
                let (buf, n) = full_rx
                    .recv()
                    .map_err(|_| Error::internal("The file reader stopped unexpectedly."))??;
                if n == 0 {
                    return Ok(());
                }
                hasher.update(&buf[..n]);
                sink(&buf[..n])?;
                done += n as u64;
                progress.report(done, total.max(done));
                // The reader may have finished already; nothing to recycle then.
                let _ = empty_tx.send(buf);
            }
        })();
        // Closing both ends stops the reader, whatever state it is in.
        drop(empty_tx);
        drop(full_rx);
        result
    })?;
    Ok((hasher.finish(), done))
}

/// Fills `buf` as far as the reader allows, so every chunk is full-sized
/// until the end.
fn read_full(reader: &mut (dyn Read + Send), buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                return Err(Error::new(
                    crate::ErrorCode::Io,
                    format!("Reading the file failed part-way: {e}."),
                    "Check that the disk or network share is still there, then try again.",
                ));
            }
        }
    }
    Ok(filled)
}

/// Hashes bytes in memory (lists, small documents).
pub fn hash_bytes(bytes: &[u8], algorithm: Algorithm) -> String {
    let mut h = Hasher::new(algorithm);
    h.update(bytes);
    h.finish()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    #[test]
    fn known_answers() {
        let cases = [
            (
                Algorithm::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
            (
                Algorithm::Sha512,
                "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            ),
            (
                Algorithm::Blake3,
                "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
            ),
            (Algorithm::Sha1, "a9993e364706816aba3e25717850c26c9cd0d89d"),
            (Algorithm::Md5, "900150983cd24fb0d6963f7d28e17f72"),
        ];
        for (algorithm, expected) in cases {
            assert_eq!(hash_bytes(b"abc", algorithm), expected, "{algorithm:?}");
        }
    }

    #[test]
    fn streaming_matches_one_shot_across_chunk_boundaries() {
        let data: Vec<u8> = (0..(CHUNK * 2 + 12345))
            .map(|i| (i * 31 % 251) as u8)
            .collect();
        let all = [Algorithm::Sha256, Algorithm::Blake3, Algorithm::Md5];
        let mut copied = Vec::new();
        let (digests, n) = hash_stream(
            &mut data.as_slice(),
            &all,
            data.len() as u64,
            &NoProgress,
            &Cancel::new(),
            &mut |b| {
                copied.extend_from_slice(b);
                Ok(())
            },
        )
        .unwrap();
        assert_eq!(n, data.len() as u64);
        assert_eq!(copied, data);
        for d in digests {
            assert_eq!(d.hex, hash_bytes(&data, d.algorithm));
        }
    }

    #[test]
    fn cancel_stops_before_reading_on() {
        let cancel = Cancel::new();
        cancel.cancel();
        let err = hash_stream(
            &mut [1u8; 10].as_slice(),
            &[Algorithm::Sha256],
            10,
            &NoProgress,
            &cancel,
            &mut |_| Ok(()),
        )
        .unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::Cancelled);
    }
}
