//! The package's relations as RPM dependencies.
//!
//! `depends` → Requires, `pre-depends` → Requires(pre), `recommends`,
//! `suggests`, `conflicts` and `breaks` → Conflicts, `provides`, `obsoletes`.
//! Alternatives (`a | b`) become rich dependencies `(a or b)`, which rpm
//! reads since 4.13 but only in Requires, Recommends, Suggests and Conflicts.
//! Debian's `replaces` has no RPM meaning of its own and is left out with a
//! warning.

use ::rpm::{Dependency, DependencyFlags};

use super::naming::check_evr;
use crate::model::{Dependency as Wanted, Op, Relation, Relations, RelationsOverride};
use crate::{Error, Result};

/// The dependency lists of one package, ready for the builder.
#[derive(Debug, Default)]
pub struct RpmRelations {
    /// Requires, including Requires(pre).
    pub requires: Vec<Dependency>,
    pub recommends: Vec<Dependency>,
    pub suggests: Vec<Dependency>,
    pub conflicts: Vec<Dependency>,
    pub provides: Vec<Dependency>,
    pub obsoletes: Vec<Dependency>,
    /// Things the user should know that do not stop the build.
    pub warnings: Vec<String>,
}

/// Which lists take rich dependencies.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Rich {
    Allowed,
    Refused,
}

/// Converts and checks every list; the error names the table, the list and
/// the item (`[rpm.relations] depends[0]` when `overrides` gave the list).
pub fn convert(relations: &Relations, overrides: &RelationsOverride) -> Result<RpmRelations> {
    let table = |key: &str| {
        let o = overrides;
        let given = match key {
            "depends" => o.depends.is_some(),
            "pre-depends" => o.pre_depends.is_some(),
            "recommends" => o.recommends.is_some(),
            "suggests" => o.suggests.is_some(),
            "conflicts" => o.conflicts.is_some(),
            "breaks" => o.breaks.is_some(),
            "provides" => o.provides.is_some(),
            _ => o.obsoletes.is_some(),
        };
        if given {
            "[rpm.relations]"
        } else {
            "[relations]"
        }
    };
    let list = |items: &[Relation], key: &str, rich: Rich, extra: DependencyFlags| {
        items
            .iter()
            .enumerate()
            .map(|(i, r)| dependency(r, &format!("{} {key}[{i}]", table(key)), rich, extra))
            .collect::<Result<Vec<_>>>()
    };
    let none = DependencyFlags::ANY;
    let mut requires = list(&relations.depends, "depends", Rich::Allowed, none)?;
    requires.extend(list(
        &relations.pre_depends,
        "pre-depends",
        Rich::Allowed,
        DependencyFlags::SCRIPT_PRE,
    )?);
    let mut conflicts = list(&relations.conflicts, "conflicts", Rich::Allowed, none)?;
    conflicts.extend(list(&relations.breaks, "breaks", Rich::Allowed, none)?);
    let provides = list(&relations.provides, "provides", Rich::Refused, none)?;
    for (i, p) in relations.provides.iter().enumerate() {
        if let Some((op, _)) = &p.alternatives[0].constraint {
            if *op != Op::Eq {
                return Err(Error::Invalid(format!(
                    "{} provides[{i}]: a Provides can only state one version with `=`, not `{}`",
                    table("provides"),
                    op.as_str()
                )));
            }
        }
    }
    let mut warnings = Vec::new();
    if !relations.replaces.is_empty() {
        warnings.push(
            "rpm: [relations] replaces has no RPM equivalent and is left out; list a package this one supersedes in `obsoletes`".to_string(),
        );
    }
    Ok(RpmRelations {
        requires,
        recommends: list(&relations.recommends, "recommends", Rich::Allowed, none)?,
        suggests: list(&relations.suggests, "suggests", Rich::Allowed, none)?,
        conflicts,
        provides,
        obsoletes: list(&relations.obsoletes, "obsoletes", Rich::Refused, none)?,
        warnings,
    })
}

fn dependency(
    relation: &Relation,
    what: &str,
    rich: Rich,
    extra: DependencyFlags,
) -> Result<Dependency> {
    for alt in &relation.alternatives {
        if let Some((_, version)) = &alt.constraint {
            check_evr(what, version)?;
        }
    }
    match relation.alternatives.as_slice() {
        [one] => {
            let (flags, version) = match &one.constraint {
                Some((op, version)) => (op_flags(*op), version.clone()),
                None => (DependencyFlags::ANY, String::new()),
            };
            Ok(Dependency {
                name: one.name.clone(),
                flags: flags | extra,
                version,
            })
        }
        [] => Err(Error::Invalid(format!("{what}: empty relation"))),
        many if rich == Rich::Allowed => Ok(Dependency {
            name: format!(
                "({})",
                many.iter().map(rich_term).collect::<Vec<_>>().join(" or ")
            ),
            flags: extra,
            version: String::new(),
        }),
        _ => Err(Error::Invalid(format!(
            "{what}: RPM does not take alternatives (`|`) here; list each package on its own"
        ))),
    }
}

/// One alternative inside a rich dependency: `name`, or `name >= 1.0`.
fn rich_term(dep: &Wanted) -> String {
    match &dep.constraint {
        Some((op, version)) => format!("{} {} {version}", dep.name, op.as_str()),
        None => dep.name.clone(),
    }
}

fn op_flags(op: Op) -> DependencyFlags {
    match op {
        Op::Lt => DependencyFlags::LESS,
        Op::Le => DependencyFlags::LE,
        Op::Eq => DependencyFlags::EQUAL,
        Op::Ge => DependencyFlags::GE,
        Op::Gt => DependencyFlags::GREATER,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(text: &str) -> Relation {
        Relation::parse(text).unwrap()
    }

    fn rel_list(text: &str) -> Vec<Relation> {
        vec![rel(text)]
    }

    #[test]
    fn lists_and_operators_map_to_rpm() {
        let relations = Relations {
            depends: vec![rel("libc >= 2.30"), rel("a | b (<< 3)")],
            pre_depends: vec![rel("shadow-utils")],
            breaks: vec![rel("old-hello < 1.0")],
            provides: vec![rel("greeter = 1.2")],
            obsoletes: vec![rel("hello-legacy <= 0.9")],
            ..Relations::default()
        };
        let r = convert(&relations, &RelationsOverride::default()).unwrap();
        let show = |d: &Dependency| {
            format!(
                "{} {} {} {:?}",
                d.name,
                d.flags.comparator_str(),
                d.version,
                d.flags.contains(DependencyFlags::SCRIPT_PRE)
            )
        };
        let requires: Vec<String> = r.requires.iter().map(show).collect();
        assert_eq!(
            requires,
            [
                "libc >= 2.30 false",
                "(a or b < 3)   false",
                "shadow-utils   true"
            ]
        );
        assert_eq!(show(&r.conflicts[0]), "old-hello < 1.0 false");
        assert_eq!(show(&r.provides[0]), "greeter = 1.2 false");
        assert_eq!(show(&r.obsoletes[0]), "hello-legacy <= 0.9 false");
        assert!(r.warnings.is_empty());
    }

    #[test]
    fn what_rpm_cannot_say_is_refused() {
        let cases = [
            Relations {
                provides: vec![rel("a | b")],
                ..Relations::default()
            },
            Relations {
                provides: vec![rel("a >= 1")],
                ..Relations::default()
            },
            Relations {
                obsoletes: vec![rel("a | b")],
                ..Relations::default()
            },
            Relations {
                depends: vec![rel("a >= 1-2-3")],
                ..Relations::default()
            },
        ];
        for relations in cases {
            assert!(
                convert(&relations, &RelationsOverride::default()).is_err(),
                "{relations:?}"
            );
        }
        let replaces = Relations {
            replaces: vec![rel("old")],
            ..Relations::default()
        };
        assert_eq!(
            convert(&replaces, &RelationsOverride::default())
                .unwrap()
                .warnings
                .len(),
            1
        );
        let overridden = RelationsOverride {
            depends: Some(rel_list("a >= 1-2-3")),
            ..RelationsOverride::default()
        };
        let err = convert(&replaces.overridden_by(&overridden), &overridden).unwrap_err();
        assert!(
            err.to_string().starts_with("[rpm.relations] depends[0]"),
            "{err}"
        );
    }
}
