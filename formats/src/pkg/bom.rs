//! The Bom ("bill of materials") of a component package: Apple's BOMStore
//! file, which the installer keeps as the receipt of what it installed and
//! which `lsbom` and `pkgutil --files` read.
//!
//! Apple has not published the format. What is written here follows the
//! public descriptions of it (the bomutils project's `bom.h` and `mkbom`,
//! the notes of apple-platform-rs's `apple-bom` reader) and a Bom made by
//! Apple's own tools:
//!
//! - a 512-byte header (`BOMStore`, version 1, where the block table and
//!   the variables are), then the variables, the blocks, and at the end the
//!   block table (block 0 is the null block) and an empty free list;
//! - variables `BomInfo`, `Paths`, `HLIndex`, `VIndex`, `Size64`, each
//!   naming a block;
//! - `Paths` is a B-tree: leaves hold up to 256 pairs (path info
//!   block, file block); a file block is the parent's path id and the base
//!   name, a path info block is the path id and the block of the record
//!   (type, mode with the file type, uid, gid, mtime, size, CRC as `cksum`
//!   computes it, link name). Path ids are given breadth-first with the
//!   children of each directory sorted by name, so the keys (parent id,
//!   name) rise through the leaves, and every parent precedes its children.
//!   Branch nodes hold (child node, last key of that child).
//! - `HLIndex` (hard links), `VIndex` and `Size64` (64-bit sizes) are empty
//!   trees: the payload has no hard links and sizes are checked to fit 32 bits.
//!
//! The writer never sees file content: the payload writer hands it each
//! path's size and checksum.

use std::collections::{BTreeMap, VecDeque};

/// Pairs in one B-tree node (as bomutils writes them; a 4096-byte node holds them).
const PER_NODE: usize = 256;
/// The block size the trees announce.
const TREE_BLOCK_SIZE: u32 = 4096;
/// The `VIndex` tree's block size, as Apple's tools write it.
const VINDEX_BLOCK_SIZE: u32 = 128;
/// What Apple's tools store in a record's architecture field for anything
/// that is not a Mach-O file with per-architecture data.
const ARCH_PLAIN: u16 = 0x0F;

/// What a path is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BomKind {
    File,
    Dir,
    /// A symbolic link and its target.
    Symlink(String),
}

/// One path of the payload as the Bom records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BomPath {
    /// `.` for the install root, otherwise `./usr/bin/hello`.
    pub path: String,
    pub kind: BomKind,
    /// Permission bits, without the file type.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    pub mtime: u32,
    /// Bytes of content; a symlink's is its target's length.
    pub size: u32,
    /// POSIX `cksum` of the content (of the target, for a symlink); 0 for directories.
    pub checksum: u32,
}

impl BomPath {
    fn record(&self) -> Vec<u8> {
        let (kind, file_type) = match self.kind {
            BomKind::File => (1u8, 0o100000u32),
            BomKind::Dir => (2, 0o040000),
            BomKind::Symlink(_) => (3, 0o120000),
        };
        let mut r = Vec::with_capacity(31);
        r.push(kind);
        r.push(1);
        r.extend_from_slice(&ARCH_PLAIN.to_be_bytes());
        r.extend_from_slice(&((file_type | (self.mode & 0o7777)) as u16).to_be_bytes());
        r.extend_from_slice(&self.uid.to_be_bytes());
        r.extend_from_slice(&self.gid.to_be_bytes());
        r.extend_from_slice(&self.mtime.to_be_bytes());
        r.extend_from_slice(&self.size.to_be_bytes());
        r.push(1);
        r.extend_from_slice(&self.checksum.to_be_bytes());
        match &self.kind {
            BomKind::Symlink(target) => {
                r.extend_from_slice(&(target.len() as u32 + 1).to_be_bytes());
                r.extend_from_slice(target.as_bytes());
                r.push(0);
            }
            _ => r.extend_from_slice(&0u32.to_be_bytes()),
        }
        r
    }
}

/// Blocks being collected; block 0 is the null block.
struct Blocks(Vec<Vec<u8>>);

impl Blocks {
    fn add(&mut self, data: Vec<u8>) -> u32 {
        self.0.push(data);
        (self.0.len() - 1) as u32
    }
}

/// A B-tree node: leaf flag, pairs, neighbours.
fn node(leaf: bool, pairs: &[(u32, u32)], forward: u32, backward: u32) -> Vec<u8> {
    let mut n = Vec::with_capacity(12 + 8 * pairs.len());
    n.extend_from_slice(&u16::from(leaf).to_be_bytes());
    n.extend_from_slice(&(pairs.len() as u16).to_be_bytes());
    n.extend_from_slice(&forward.to_be_bytes());
    n.extend_from_slice(&backward.to_be_bytes());
    for (a, b) in pairs {
        n.extend_from_slice(&a.to_be_bytes());
        n.extend_from_slice(&b.to_be_bytes());
    }
    n
}

/// A tree header: `tree`, version 1, root node, block size, path count.
fn tree(root: u32, block_size: u32, paths: u32) -> Vec<u8> {
    let mut t = b"tree".to_vec();
    t.extend_from_slice(&1u32.to_be_bytes());
    t.extend_from_slice(&root.to_be_bytes());
    t.extend_from_slice(&block_size.to_be_bytes());
    t.extend_from_slice(&paths.to_be_bytes());
    t.push(0);
    t
}

/// The paths in breadth-first order with their ids' parents: `(index, parent id)`.
fn breadth_first(paths: &[BomPath]) -> Result<Vec<(usize, u32)>, String> {
    if paths.first().map(|p| p.path.as_str()) != Some(".") {
        return Err("the Bom's first path must be the install root `.`".into());
    }
    let mut index = BTreeMap::new();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); paths.len()];
    for (i, p) in paths.iter().enumerate() {
        if index.insert(p.path.as_str(), i).is_some() {
            return Err(format!("the Bom lists `{}` twice", p.path));
        }
        if i == 0 {
            continue;
        }
        let parent = p.path.rfind('/').map(|cut| &p.path[..cut]);
        match parent.and_then(|d| index.get(d)) {
            Some(&d) if matches!(paths[d].kind, BomKind::Dir) => children[d].push(i),
            _ => return Err(format!("`{}` comes before its directory", p.path)),
        }
    }
    let name = |i: usize| paths[i].path.rsplit('/').next().unwrap_or("");
    for list in &mut children {
        list.sort_by(|&a, &b| name(a).cmp(name(b)));
    }
    let mut order = Vec::with_capacity(paths.len());
    let mut queue = VecDeque::from([(0usize, 0u32)]);
    while let Some((i, parent_id)) = queue.pop_front() {
        order.push((i, parent_id));
        let id = order.len() as u32;
        queue.extend(children[i].iter().map(|&c| (c, id)));
    }
    Ok(order)
}

/// Writes the Bom of `paths`: the install root `.` first, every other
/// path after its directory.
pub fn write(paths: &[BomPath]) -> Result<Vec<u8>, String> {
    let order = breadth_first(paths)?;
    let count = order.len() as u32;
    let mut blocks = Blocks(vec![Vec::new()]);

    let mut info = Vec::with_capacity(28);
    for word in [1u32, count + 1, 1, 0, 0, 0, 0] {
        info.extend_from_slice(&word.to_be_bytes());
    }
    let bom_info = blocks.add(info);

    let mut keys = Vec::with_capacity(order.len());
    for (id, &(i, parent_id)) in (1u32..).zip(&order) {
        let path = &paths[i];
        let record = blocks.add(path.record());
        let mut info1 = id.to_be_bytes().to_vec();
        info1.extend_from_slice(&record.to_be_bytes());
        let info1 = blocks.add(info1);
        let name = if i == 0 {
            "."
        } else {
            path.path.rsplit('/').next().unwrap_or("")
        };
        let mut file = parent_id.to_be_bytes().to_vec();
        file.extend_from_slice(name.as_bytes());
        file.push(0);
        keys.push((info1, blocks.add(file)));
    }

    let leaves: Vec<&[(u32, u32)]> = keys.chunks(PER_NODE).collect();
    let first_leaf = blocks.0.len() as u32;
    let mut level = Vec::with_capacity(leaves.len());
    for (n, pairs) in (0u32..).zip(&leaves) {
        let forward = if (n as usize) + 1 < leaves.len() {
            first_leaf + n + 1
        } else {
            0
        };
        let backward = if n > 0 { first_leaf + n - 1 } else { 0 };
        let id = blocks.add(node(true, pairs, forward, backward));
        level.push((id, pairs[pairs.len() - 1].1));
    }
    while level.len() > 1 {
        level = level
            .chunks(PER_NODE)
            .map(|children| {
                let id = blocks.add(node(false, children, 0, 0));
                (id, children[children.len() - 1].1)
            })
            .collect();
    }
    let paths_root = level[0].0;
    let paths_tree = blocks.add(tree(paths_root, TREE_BLOCK_SIZE, count));

    let empty = node(true, &[], 0, 0);
    let hl_root = blocks.add(empty.clone());
    let hl_tree = blocks.add(tree(hl_root, TREE_BLOCK_SIZE, 0));
    let v_root = blocks.add(empty.clone());
    let v_tree = blocks.add(tree(v_root, VINDEX_BLOCK_SIZE, 0));
    let mut vindex = 1u32.to_be_bytes().to_vec();
    vindex.extend_from_slice(&v_tree.to_be_bytes());
    vindex.extend_from_slice(&0u32.to_be_bytes());
    vindex.push(0);
    let vindex = blocks.add(vindex);
    let size64_root = blocks.add(empty);
    let size64_tree = blocks.add(tree(size64_root, TREE_BLOCK_SIZE, 0));

    let vars = [
        ("BomInfo", bom_info),
        ("Paths", paths_tree),
        ("HLIndex", hl_tree),
        ("VIndex", vindex),
        ("Size64", size64_tree),
    ];
    let mut vars_data = (vars.len() as u32).to_be_bytes().to_vec();
    for (name, block) in vars {
        vars_data.extend_from_slice(&block.to_be_bytes());
        vars_data.push(name.len() as u8);
        vars_data.extend_from_slice(name.as_bytes());
    }

    let header_len = 512usize;
    let data_len: usize = blocks.0.iter().map(Vec::len).sum();
    let table_offset = header_len + vars_data.len() + data_len;
    let table_len = 4 + 8 * blocks.0.len() + 4 + 2 * 8;
    let total = table_offset + table_len;
    let offset = |n: usize| {
        u32::try_from(n).map_err(|_| {
            format!("the Bom would pass 4 GiB ({total} bytes); split the package into smaller ones")
        })
    };

    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"BOMStore");
    for word in [
        1u32,
        (blocks.0.len() - 1) as u32,
        offset(table_offset)?,
        table_len as u32,
        header_len as u32,
        vars_data.len() as u32,
    ] {
        out.extend_from_slice(&word.to_be_bytes());
    }
    out.resize(header_len, 0);
    out.extend_from_slice(&vars_data);
    let mut table = (blocks.0.len() as u32).to_be_bytes().to_vec();
    for block in &blocks.0 {
        let (address, len) = if block.is_empty() {
            (0, 0)
        } else {
            (offset(out.len())?, block.len() as u32)
        };
        table.extend_from_slice(&address.to_be_bytes());
        table.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&table);
    // An empty free list, then the two null pointers mkbom leaves after it.
    out.extend_from_slice(&[0u8; 4 + 2 * 8]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(path: &str) -> BomPath {
        BomPath {
            path: path.into(),
            kind: BomKind::Dir,
            mode: 0o755,
            uid: 0,
            gid: 0,
            mtime: 1,
            size: 0,
            checksum: 0,
        }
    }

    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_be_bytes(b[at..at + 4].try_into().unwrap())
    }

    #[test]
    fn header_points_at_the_table_and_the_vars() {
        let bom = write(&[dir("."), dir("./usr")]).unwrap();
        assert_eq!(&bom[..8], b"BOMStore");
        assert_eq!(u32_at(&bom, 8), 1);
        let (table, table_len) = (u32_at(&bom, 16) as usize, u32_at(&bom, 20) as usize);
        assert_eq!(table + table_len, bom.len());
        let blocks = u32_at(&bom, table) as usize;
        assert_eq!(u32_at(&bom, 12) as usize, blocks - 1);
        assert_eq!(u32_at(&bom, 24), 512);
        assert_eq!(u32_at(&bom, 512), 5, "five variables");
    }

    #[test]
    fn ids_are_breadth_first_with_names_sorted() {
        let paths = [dir("."), dir("./b"), dir("./b/z"), dir("./a"), dir("./a/y")];
        let order = breadth_first(&paths).unwrap();
        let seen: Vec<(&str, u32)> = order
            .iter()
            .map(|&(i, p)| (paths[i].path.as_str(), p))
            .collect();
        assert_eq!(
            seen,
            [(".", 0), ("./a", 1), ("./b", 1), ("./a/y", 2), ("./b/z", 3)]
        );
    }

    #[test]
    fn orphans_and_duplicates_are_refused() {
        assert!(write(&[dir("./usr")]).is_err());
        assert!(write(&[dir("."), dir("./usr/bin")]).is_err());
        assert!(write(&[dir("."), dir("./usr"), dir("./usr")]).is_err());
    }

    #[test]
    fn many_paths_make_a_branch_level() {
        let mut paths = vec![dir(".")];
        paths.extend((0..700).map(|i| dir(&format!("./d{i:04}"))));
        let bom = write(&paths).unwrap();
        let table = u32_at(&bom, 16) as usize;
        let block = |n: u32| {
            let at = table + 4 + 8 * n as usize;
            let (a, l) = (u32_at(&bom, at) as usize, u32_at(&bom, at + 4) as usize);
            &bom[a..a + l]
        };
        // Vars: BomInfo, then Paths.
        let paths_var = u32_at(&bom, 512 + 4 + 4 + 1 + 7);
        let tree = block(paths_var);
        assert_eq!(&tree[..4], b"tree");
        assert_eq!(u32_at(tree, 16), 701);
        let root = block(u32_at(tree, 8));
        assert_eq!(
            u16::from_be_bytes([root[0], root[1]]),
            0,
            "root is a branch"
        );
        assert_eq!(
            u16::from_be_bytes([root[2], root[3]]),
            3,
            "701 paths in 3 leaves"
        );
    }

    #[test]
    fn more_than_a_branch_of_leaves_makes_another_level() {
        let mut paths = vec![dir(".")];
        paths.extend((0..PER_NODE * PER_NODE + 1).map(|i| dir(&format!("./d{i:06}"))));
        let bom = write(&paths).unwrap();
        let table = u32_at(&bom, 16) as usize;
        let block = |n: u32| {
            let at = table + 4 + 8 * n as usize;
            let (a, l) = (u32_at(&bom, at) as usize, u32_at(&bom, at + 4) as usize);
            &bom[a..a + l]
        };
        let tree = block(u32_at(&bom, 512 + 4 + 4 + 1 + 7));
        let root = block(u32_at(tree, 8));
        assert_eq!((root[1], u16::from_be_bytes([root[2], root[3]])), (0, 2));
        let first = block(u32_at(root, 12));
        assert_eq!(first[1], 0, "the root's children are branches too");
        assert_eq!(u16::from_be_bytes([first[2], first[3]]) as usize, PER_NODE);
        let leaf = block(u32_at(first, 12));
        assert_eq!(leaf[1], 1);
        // The root's last key is the last path's file block.
        let last = block(u32_at(root, 12 + 8 + 4));
        assert_eq!(
            &last[4..],
            format!("d{:06}\0", PER_NODE * PER_NODE).as_bytes()
        );
    }
}
