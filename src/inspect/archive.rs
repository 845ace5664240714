//! Static libraries: `ar` archives (`.a`, and `.lib` on Windows) parsed by
//! goblin. Each member is identified like a file of its own (ELF, Mach-O or
//! COFF objects, import members); members that are not objects (symbol
//! tables, bitcode, the parts of a `.deb`) are left out. An archive without
//! any object is not a binary.

use std::fmt;

use serde::Serialize;
use vitte_buildkit_formats::Target;

use super::{identify_at_depth, pe, Identity, MAX_DEPTH};

/// The first bytes of an `ar` archive.
pub(super) const MAGIC: &[u8] = b"!<arch>\n";

/// Members that are the same kind of object (same description), grouped.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The first member of this kind.
    pub name: String,
    /// How many members are of this kind.
    pub count: usize,
    pub identity: Identity,
}

/// What a static library holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Archive {
    /// One group per distinct kind of object, in archive order.
    pub members: Vec<Member>,
}

pub(super) fn identify(bytes: &[u8], depth: u32) -> Identity {
    if depth >= MAX_DEPTH {
        return Identity::Malformed {
            kind: "ar archive",
            error: "nested too deep".into(),
        };
    }
    // An archive goblin cannot read holds nothing that can run: it passes.
    let Ok(archive) = goblin::archive::Archive::parse(bytes) else {
        return Identity::Other;
    };
    let mut members: Vec<Member> = Vec::new();
    for index in 0..archive.len() {
        let Some(member) = archive.get_at(index) else {
            continue;
        };
        let name = member.extended_name();
        if is_index(name) {
            continue;
        }
        let Some(body) = usize::try_from(member.offset)
            .ok()
            .and_then(|start| bytes.get(start..start.checked_add(member.size())?))
        else {
            continue;
        };
        let identity = match identify_at_depth(body, depth + 1) {
            Identity::Other => match pe::identify_coff(body) {
                Some(coff) => Identity::Pe(coff),
                None => continue,
            },
            identity => identity,
        };
        let description = identity.to_string();
        match members
            .iter_mut()
            .find(|m| m.identity.to_string() == description)
        {
            Some(group) => group.count += 1,
            None => members.push(Member {
                name: name.to_string(),
                count: 1,
                identity,
            }),
        }
    }
    if members.is_empty() {
        Identity::Other
    } else {
        Identity::Archive(Archive { members })
    }
}

/// Symbol and name tables of the System V, BSD and Windows variants.
fn is_index(name: &str) -> bool {
    matches!(
        name,
        "" | "/" | "//" | "/SYM64/" | "/<ECSYMBOLS>/" | "ARFILENAMES/"
    ) || name.starts_with("__.SYMDEF")
}

impl Archive {
    pub(super) fn fits(&self, target: &Target) -> Result<(), String> {
        for member in &self.members {
            member.identity.fits(target).map_err(|needs| {
                format!("{needs} (member {} is {})", member.name, member.identity)
            })?;
        }
        Ok(())
    }
}

impl fmt::Display for Archive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("static library (")?;
        for (i, member) in self.members.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", member.identity)?;
            if member.count > 1 {
                write!(f, " ×{}", member.count)?;
            }
        }
        f.write_str(")")
    }
}
