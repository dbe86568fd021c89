//! The artifact cache: soft state under `target/difftest-cache/`.
//!
//! Each entry is a directory named by what it holds and a hash of everything
//! that determines its contents (source bytes, compiler flags, tool
//! versions). An entry counts only once its `done` marker exists, so an
//! interrupted build is simply rebuilt. Deleting the cache is always safe.

use crate::Result;
use std::fs;
use std::path::{Path, PathBuf};

/// 64-bit FNV-1a over a sequence of byte strings (each length-prefixed, so
/// `["ab", "c"]` and `["a", "bc"]` differ). Stable across Rust versions.
pub fn hash_parts(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    };
    for p in parts {
        for b in (p.len() as u64).to_le_bytes() {
            eat(b);
        }
        for &b in *p {
            eat(b);
        }
    }
    h
}

/// A cache rooted at a directory.
#[derive(Debug, Clone)]
pub struct Cache {
    root: PathBuf,
}

/// One cache entry: a final directory, plus a private staging directory
/// while it is being built (so concurrent builders never see half-written
/// files; the first to commit wins).
#[derive(Debug, Clone)]
pub struct Entry {
    /// The entry's final directory.
    pub dir: PathBuf,
    /// Where a miss is built (`None` on a hit).
    staging: Option<PathBuf>,
    /// Whether the entry was already complete.
    pub hit: bool,
}

impl Entry {
    /// A file inside the entry's final directory.
    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Where to build `name` before [`Entry::commit`] (the final file on a hit).
    pub fn staging_file(&self, name: &str) -> PathBuf {
        self.staging.as_ref().unwrap_or(&self.dir).join(name)
    }

    /// Marks the entry complete and moves it into place.
    pub fn commit(&self) -> Result<()> {
        let Some(staging) = &self.staging else { return Ok(()) };
        fs::write(staging.join("done"), b"")?;
        if fs::rename(staging, &self.dir).is_err() {
            if !self.dir.join("done").exists() {
                // A stale, incomplete entry: replace it.
                let _ = fs::remove_dir_all(&self.dir);
                if fs::rename(staging, &self.dir).is_ok() {
                    return Ok(());
                }
            }
            let _ = fs::remove_dir_all(staging);
            if !self.dir.join("done").exists() {
                return Err(crate::err!("cannot commit cache entry {}", self.dir.display()));
            }
        }
        Ok(())
    }
}

impl Drop for Entry {
    fn drop(&mut self) {
        if let Some(staging) = &self.staging {
            let _ = fs::remove_dir_all(staging);
        }
    }
}

static STAGING_COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Cache {
    /// A cache in `root` (created on demand).
    pub fn new(root: impl Into<PathBuf>) -> Cache {
        let root = root.into();
        // Absolute, so tools run in another directory still find entries.
        Cache { root: std::path::absolute(&root).unwrap_or(root) }
    }

    /// The cache's root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The entry `kind/name-HASH` for the given key parts.
    pub fn entry(&self, kind: &str, name: &str, key: &[&[u8]]) -> Result<Entry> {
        let dir = self.root.join(kind).join(format!("{name}-{:016x}", hash_parts(key)));
        if dir.join("done").exists() {
            return Ok(Entry { dir, staging: None, hit: true });
        }
        let n = STAGING_COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let staging = self.root.join(kind).join(format!(".staging-{name}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir_all(&staging)?;
        Ok(Entry { dir, staging: Some(staging), hit: false })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_stable_and_length_prefixed() {
        assert_eq!(hash_parts(&[]), 0xcbf2_9ce4_8422_2325);
        assert_ne!(hash_parts(&[b"ab", b"c"]), hash_parts(&[b"a", b"bc"]));
        assert_eq!(hash_parts(&[b"x"]), hash_parts(&[b"x"]));
    }

    #[test]
    fn entries_commit() {
        let root = std::env::temp_dir().join(format!("jitty-difftest-cache-{}", std::process::id()));
        let cache = Cache::new(&root);
        let e = cache.entry("k", "n", &[b"1"]).unwrap();
        assert!(!e.hit);
        fs::write(e.staging_file("f"), b"x").unwrap();
        assert!(!e.file("f").exists());
        e.commit().unwrap();
        assert_eq!(fs::read(e.file("f")).unwrap(), b"x");
        // A second builder of the same entry loses the race gracefully.
        let late = Entry { dir: e.dir.clone(), staging: Some(root.join("k/.late")), hit: false };
        fs::create_dir_all(root.join("k/.late")).unwrap();
        late.commit().unwrap();
        assert!(!root.join("k/.late").exists());
        assert!(cache.entry("k", "n", &[b"1"]).unwrap().hit);
        assert!(!cache.entry("k", "n", &[b"2"]).unwrap().hit);
        fs::remove_dir_all(root).unwrap();
    }
}
