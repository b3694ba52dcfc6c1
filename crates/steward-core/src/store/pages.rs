//! Reading the vault's pages as SQLite sees them, decrypted, straight from
//! the files: the database file (every page, the free ones included), each
//! frame still in its write-ahead journal, and the journal's shared-memory
//! index. This is what a residue check needs: a value that SQL no longer
//! returns may still sit in a free page, in an old journal frame or in a
//! full-text index page, and only reading the bytes shows it.
//!
//! The layout is SQLCipher 4's with a raw key (the vault's): pages of 4096
//! bytes whose last 80 are reserved (a 16-byte IV, then a 64-byte
//! HMAC-SHA512); the rest is AES-256-CBC under the key with that IV, except
//! page 1's first 16 bytes, the file's salt, which stay as they are. A
//! journal has a 32-byte header, then frames of a 24-byte header and one
//! page each. The HMAC is not checked here: SQLite checks it on every read,
//! and a scan must read what is there even on a page it would refuse.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use aes::cipher::{block_padding::NoPadding, BlockModeDecrypt, KeyIvInit};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::keys::keystore::DbKey;

use super::file::wal_path;

/// SQLCipher 4's page size (the vault never changes it).
const PAGE_SIZE: usize = 4096;
/// Bytes at the end of each page that SQLCipher keeps for itself.
const RESERVED: usize = 80;
const IV_LEN: usize = 16;
/// The salt at the start of the file (page 1's first bytes).
const SALT_LEN: usize = 16;
const WAL_HEADER: usize = 32;
const WAL_FRAME_HEADER: usize = 24;

type Aes256CbcDec = cbc::Decryptor<aes::Aes256>;

/// Which file a match was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PageFile {
    /// The vault file itself.
    Vault,
    /// The write-ahead journal beside it (`-wal`).
    Journal,
    /// The journal's shared-memory index (`-shm`), which is not encrypted.
    SharedMemory,
}

/// Where a looked-for text was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Place {
    pub file: PageFile,
    /// The page number in the vault (from 1); in the journal, the page its
    /// frame holds; in the shared memory, the 4096-byte block.
    pub page: u64,
    /// A free page of the vault file (no table holds it any more).
    pub free_page: bool,
    /// Which of the looked-for forms of the text matched (0 = as given).
    pub form: usize,
}

/// How much a scan read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PagesRead {
    pub vault_pages: u64,
    pub free_pages: u64,
    pub journal_frames: u64,
}

/// Decrypts one encrypted page in place; `page_no` 1 keeps its salt.
fn decrypt_page(key: &DbKey, page_no: u64, page: &mut [u8]) -> Result<()> {
    let body_end = PAGE_SIZE - RESERVED;
    let start = if page_no == 1 { SALT_LEN } else { 0 };
    let mut iv = [0u8; IV_LEN];
    iv.copy_from_slice(&page[body_end..body_end + IV_LEN]);
    let cipher =
        Aes256CbcDec::new_from_slices(key.as_bytes(), &iv).map_err(|_| Error::VaultDamaged {
            reason: "a page's key or IV has the wrong length",
        })?;
    cipher
        .decrypt_padded::<NoPadding>(&mut page[start..body_end])
        .map_err(|_| Error::VaultDamaged {
            reason: "a page is not a whole number of cipher blocks",
        })?;
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The free pages listed in a decrypted page 1's freelist, read through the
/// decrypted `pages` (numbered from 1).
fn free_pages(pages: &[Vec<u8>]) -> Vec<bool> {
    let mut free = vec![false; pages.len() + 1];
    let be32 =
        |b: &[u8], at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize;
    let Some(first) = pages.first() else {
        return free;
    };
    let mut trunk = be32(first, 32);
    // A freelist longer than the file is damage: stop rather than loop.
    let mut hops = 0;
    while trunk != 0 && trunk <= pages.len() && hops <= pages.len() {
        hops += 1;
        free[trunk] = true;
        let page = &pages[trunk - 1];
        let leaves = be32(page, 4).min((PAGE_SIZE - RESERVED - 8) / 4);
        for i in 0..leaves {
            let leaf = be32(page, 8 + 4 * i);
            if leaf != 0 && leaf <= pages.len() {
                free[leaf] = true;
            }
        }
        trunk = be32(page, 0);
    }
    free
}

/// Looks for each of `needles` (byte forms of one text) in every decrypted
/// page of the vault at `path` and of its journal, and in its shared memory.
pub(crate) fn scan(
    path: &Path,
    key: &DbKey,
    needles: &[Vec<u8>],
) -> Result<(Vec<Place>, PagesRead)> {
    let read_err = Error::io("read the vault's pages");
    let file = fs::read(path).map_err(read_err)?;
    if file.len() % PAGE_SIZE != 0 {
        return Err(Error::VaultDamaged {
            reason: "its length is not a whole number of pages",
        });
    }
    let mut pages: Vec<Vec<u8>> = file.chunks(PAGE_SIZE).map(<[u8]>::to_vec).collect();
    for (i, page) in pages.iter_mut().enumerate() {
        decrypt_page(key, i as u64 + 1, page)?;
    }
    let free = free_pages(&pages);
    let mut places = Vec::new();
    let mut read = PagesRead {
        vault_pages: pages.len() as u64,
        free_pages: free.iter().filter(|f| **f).count() as u64,
        journal_frames: 0,
    };
    let body = PAGE_SIZE - RESERVED;
    for (i, page) in pages.iter().enumerate() {
        for (form, needle) in needles.iter().enumerate() {
            if contains(&page[..body], needle) {
                places.push(Place {
                    file: PageFile::Vault,
                    page: i as u64 + 1,
                    free_page: free[i + 1],
                    form,
                });
            }
        }
    }
    let wal = match fs::read(wal_path(path)) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::io("read the vault's journal")(e)),
    };
    if wal.len() > WAL_HEADER {
        for frame in wal[WAL_HEADER..].chunks(WAL_FRAME_HEADER + PAGE_SIZE) {
            if frame.len() < WAL_FRAME_HEADER + PAGE_SIZE {
                break;
            }
            read.journal_frames += 1;
            let page_no = u64::from(u32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]));
            let mut page = frame[WAL_FRAME_HEADER..].to_vec();
            decrypt_page(key, page_no, &mut page)?;
            for (form, needle) in needles.iter().enumerate() {
                if contains(&page[..body], needle) {
                    places.push(Place {
                        file: PageFile::Journal,
                        page: page_no,
                        free_page: false,
                        form,
                    });
                }
            }
        }
    }
    let mut shm_path = path.as_os_str().to_owned();
    shm_path.push("-shm");
    if let Ok(shm) = fs::read(&shm_path) {
        for (i, block) in shm.chunks(PAGE_SIZE).enumerate() {
            for (form, needle) in needles.iter().enumerate() {
                if contains(block, needle) {
                    places.push(Place {
                        file: PageFile::SharedMemory,
                        page: i as u64,
                        free_page: false,
                        form,
                    });
                }
            }
        }
    }
    Ok((places, read))
}

/// The root pages of the b-trees (tables and their indexes) of `tables`,
/// from the schema: where [`scan_trees`] starts.
pub(crate) fn tree_roots(conn: &rusqlite::Connection, tables: &[&str]) -> Result<Vec<u64>> {
    let mut roots = Vec::new();
    let mut stmt = conn
        .prepare("SELECT rootpage FROM sqlite_schema WHERE tbl_name = ?1 AND rootpage > 0")
        .map_err(Error::db("read the schema"))?;
    for table in tables {
        let pages: Vec<i64> = stmt
            .query_map([table], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(Error::db("read the schema"))?;
        roots.extend(pages.into_iter().filter_map(|p| u64::try_from(p).ok()));
    }
    Ok(roots)
}

/// Which of `patterns` appear in the pages of the b-trees rooted at
/// `roots` (every interior and leaf page, read decrypted), in the free
/// pages, in the journal's frames or in its shared memory. What an
/// erasure's check needs: a deleted row can leave a copy in the unused gap
/// of a page of its own table that an earlier rebuild left (`secure_delete`
/// zeroes freed cells and pages, never that gap), so every page of the
/// tables that held the values is read, not only those the erasure
/// changed; the other tables (purchases, the ledger, the audit log: most of
/// the file) never held them.
pub(crate) fn scan_trees(
    path: &Path,
    key: &DbKey,
    roots: &[u64],
    patterns: &[Vec<u8>],
) -> Result<BTreeSet<usize>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut found = BTreeSet::new();
    if patterns.is_empty() {
        return Ok(found);
    }
    let matcher = aho_corasick::AhoCorasick::new(patterns).map_err(|_| Error::InvalidInput {
        field: "residue check",
        reason: "too many texts to look for at once",
    })?;
    let read_err = || Error::io("read the vault's pages");
    let mut file = fs::File::open(path).map_err(read_err())?;
    let pages_in_file = file.metadata().map_err(read_err())?.len() / PAGE_SIZE as u64;
    let mut read_page = |page_no: u64| -> Result<Option<Vec<u8>>> {
        if page_no == 0 || page_no > pages_in_file {
            return Ok(None);
        }
        let mut page = vec![0u8; PAGE_SIZE];
        file.seek(SeekFrom::Start((page_no - 1) * PAGE_SIZE as u64))
            .map_err(read_err())?;
        file.read_exact(&mut page).map_err(read_err())?;
        decrypt_page(key, page_no, &mut page)?;
        Ok(Some(page))
    };
    let be16 = |b: &[u8], at: usize| usize::from(u16::from_be_bytes([b[at], b[at + 1]]));
    let be32 = |b: &[u8], at: usize| {
        u64::from(u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]))
    };
    let body = PAGE_SIZE - RESERVED;
    let mut seen = BTreeSet::new();
    let mut todo: Vec<u64> = roots.to_vec();
    // The free pages too (trunks and leaves), in case a freed page kept
    // something.
    if let Some(first) = read_page(1)? {
        let mut trunk = be32(&first, 32);
        while trunk != 0 && seen.len() as u64 <= pages_in_file {
            let Some(page) = read_page(trunk)? else { break };
            let leaves = (be32(&page, 4) as usize).min((body - 8) / 4);
            todo.push(trunk);
            todo.extend((0..leaves).map(|i| be32(&page, 8 + 4 * i)));
            let next = be32(&page, 0);
            if !seen.insert(trunk) {
                break;
            }
            trunk = next;
        }
        seen.clear();
    }
    while let Some(page_no) = todo.pop() {
        if !seen.insert(page_no) {
            continue;
        }
        let Some(page) = read_page(page_no)? else {
            continue;
        };
        for m in matcher.find_overlapping_iter(&page[..body]) {
            found.insert(m.pattern().as_usize());
        }
        // An interior page (2: index, 5: table) leads to its children: the
        // first four bytes of each cell, and the right-most pointer.
        let header = if page_no == 1 { 100 } else { 0 };
        if matches!(page[header], 2 | 5) {
            let cells = be16(&page, header + 3);
            let pointers = header + 12;
            for i in 0..cells {
                let at = be16(&page, pointers + 2 * i);
                if at + 4 <= body {
                    todo.push(be32(&page, at));
                }
            }
            todo.push(be32(&page, header + 8));
        }
    }
    let wal = match fs::read(wal_path(path)) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(Error::io("read the vault's journal")(e)),
    };
    for frame in wal
        .get(WAL_HEADER..)
        .unwrap_or_default()
        .chunks_exact(WAL_FRAME_HEADER + PAGE_SIZE)
    {
        let frame_page = u64::from(u32::from_be_bytes([frame[0], frame[1], frame[2], frame[3]]));
        let mut page = frame[WAL_FRAME_HEADER..].to_vec();
        decrypt_page(key, frame_page, &mut page)?;
        for m in matcher.find_overlapping_iter(&page[..body]) {
            found.insert(m.pattern().as_usize());
        }
    }
    let mut shm_path = path.as_os_str().to_owned();
    shm_path.push("-shm");
    if let Ok(shm) = fs::read(&shm_path) {
        for m in matcher.find_overlapping_iter(&shm) {
            found.insert(m.pattern().as_usize());
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_freelist_marks_its_trunk_and_leaf_pages_free() {
        let mut pages = vec![vec![0u8; PAGE_SIZE]; 5];
        // Page 1 says the first trunk is page 3; page 3 lists pages 4 and 5.
        pages[0][32..36].copy_from_slice(&3u32.to_be_bytes());
        pages[2][4..8].copy_from_slice(&2u32.to_be_bytes());
        pages[2][8..12].copy_from_slice(&4u32.to_be_bytes());
        pages[2][12..16].copy_from_slice(&5u32.to_be_bytes());
        let free = free_pages(&pages);
        assert_eq!(free[1..], [false, false, true, true, true]);
    }

    #[test]
    fn a_freelist_that_loops_stops() {
        let mut pages = vec![vec![0u8; PAGE_SIZE]; 2];
        pages[0][32..36].copy_from_slice(&2u32.to_be_bytes());
        pages[1][0..4].copy_from_slice(&2u32.to_be_bytes());
        assert_eq!(free_pages(&pages)[1..], [false, true]);
    }
}
