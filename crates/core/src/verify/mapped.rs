//! Reading a file through a memory map, one window at a time: no copy out
//! of the page cache, so BLAKE3 can hash with every core at full speed,
//! while memory stays bounded by the window, not the file.

#![allow(unsafe_code)]

use crate::{Error, Result};
use memmap2::MmapOptions;
use std::fs::File;
use std::path::Path;

/// Small enough to keep memory flat, large enough for every core to get a
/// long run of BLAKE3 chunks.
const WINDOW: u64 = 16 << 20;

/// Calls `each` with consecutive windows of the first `size` bytes of
/// `file`, mapped read-only.
pub fn for_each_window(
    file: &File,
    path: &Path,
    size: u64,
    each: &mut dyn FnMut(&[u8]) -> Result<()>,
) -> Result<()> {
    let mut offset = 0u64;
    while offset < size {
        let len = WINDOW.min(size - offset);
        // SAFETY: the map is read-only and private to this function; it is
        // dropped before the next window. If another process truncates the
        // file meanwhile, reading past its new end raises SIGBUS, as with
        // `b3sum`; the caller checks size, mtime and inode before and after,
        // so a file that changed is never reported as verified.
        let map = unsafe {
            MmapOptions::new()
                .offset(offset)
                .len(len as usize)
                .map(file)
        }
        .map_err(|e| Error::io("read", path, &e))?;
        each(&map)?;
        offset += len;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::progress::Cancel;
    use crate::verify::Algorithm;
    use crate::verify::file::hash_many;
    use crate::verify::hash::hash_bytes;

    #[test]
    fn windowed_blake3_matches_hashing_in_memory_across_windows() {
        let tmp = tempfile::tempdir().unwrap();
        // Not a multiple of the window, so the last window is short.
        let bytes: Vec<u8> = (0..(40 << 20) + 12_345u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 7) as u8)
            .collect();
        let path = tmp.path().join("big.bin");
        std::fs::write(&path, &bytes).unwrap();
        let got = hash_many(&[path], &[Algorithm::Blake3], &Cancel::new());
        let got = got.into_iter().next().unwrap().unwrap();
        assert_eq!(got.digests[0].hex, hash_bytes(&bytes, Algorithm::Blake3));
    }
}
