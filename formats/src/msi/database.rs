//! Fills the MSI database: the rows of every table, the cabinet stream and
//! the summary information.
//!
//! The sequence tables carry the standard actions at the numbers the
//! Windows Installer SDK and WiX use. A major upgrade is the Upgrade table
//! (older versions are found and removed by RemoveExistingProducts right
//! after InstallValidate; newer ones are only detected) plus a launch
//! condition that refuses a downgrade with a message.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::time::{Duration, SystemTime};

use msi::{CodePage, CompoundFileVersion, CreateOptions, Insert, LanguageId, PackageType, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::cabinet::Cabinet;
use super::identity::{braced, package_code, MsiArch};
use super::layout::{Layout, FOLDERS_COMPONENT, INSTALL_DIR};
use super::schema;
use super::services;
use crate::error::{Error, IoContext, Result};
use crate::{Package, WriteContext};

/// US English: the product language and the summary Template's.
const LANGUAGE: u16 = 1033;
/// The feature every component belongs to.
const FEATURE: &str = "Complete";
/// Set by FindRelatedProducts when an older version is installed.
const OLDER_FOUND: &str = "OLDERVERSIONDETECTED";
/// Set by FindRelatedProducts when a newer version is installed.
const NEWER_FOUND: &str = "NEWERVERSIONDETECTED";
/// msidbComponentAttributes64bit.
const COMPONENT_64BIT: i32 = 256;
/// msidbFileAttributesVital.
const FILE_VITAL: i32 = 512;
/// msidbUpgradeAttributesMigrateFeatures.
const UPGRADE_MIGRATE_FEATURES: i32 = 1;
/// msidbUpgradeAttributesOnlyDetect.
const UPGRADE_ONLY_DETECT: i32 = 2;

/// What identifies the product, decided before writing.
pub struct Identity {
    pub arch: MsiArch,
    pub upgrade_code: Uuid,
    pub product_code: Uuid,
    /// `major.minor.patch`.
    pub version: String,
    pub manufacturer: String,
}

/// Writes the whole database into `out`; `cabinets` are the spooled
/// cabinets (none when the package has no file).
pub fn write(
    package: &Package,
    layout: &Layout,
    identity: &Identity,
    cabinets: Vec<Cabinet>,
    ctx: &WriteContext<'_>,
    out: &mut File,
) -> Result<()> {
    let long_string_refs = check_string_pool(package, layout, identity, cabinets.len())?;
    let db_error = |what: &str| format!("cannot write the MSI database ({what})");
    // The compound file reads back what it wrote, and `out` may be
    // write-only: build it in a read-write spool, then copy.
    let mut spool = spool_file(ctx)?;
    // Version 3 (512-byte sectors), as Windows Installer writes: the layout
    // signers such as osslsigncode and other MSI readers expect.
    let options = CreateOptions::new()
        .compound_file_version(CompoundFileVersion::V3)
        .long_string_refs(long_string_refs);
    let mut db = msi::Package::create_with_options(PackageType::Installer, &mut spool, options)
        .context_with(|| db_error("create"))?;
    db.set_database_codepage(CodePage::Windows1252);
    let services = (!package.system.services.is_empty()).then(services::schemas);
    for table in schema::all()
        .into_iter()
        .chain(services.into_iter().flatten())
    {
        db.create_table(table.name, table.columns)
            .context_with(|| db_error(table.name))?;
    }
    // Everything that goes into the tables, then the cabinet's bytes, makes
    // the fingerprint the package code is derived from.
    let tables = rows(package, layout, identity, &cabinets);
    let mut fingerprint = Sha256::new();
    fingerprint.update(format!("{tables:?}"));
    for (table, rows) in tables {
        if !rows.is_empty() {
            db.insert_rows(Insert::into(table).rows(rows))
                .context_with(|| db_error(table))?;
        }
    }
    fingerprint.update(format!(
        "{}\0{}\0{}",
        package.summary, package.name, ctx.source_date_epoch
    ));
    for mut cabinet in cabinets {
        cabinet
            .spool
            .seek(SeekFrom::Start(0))
            .context_with(|| db_error("cabinet spool"))?;
        let mut stream = db
            .write_stream(&cabinet.stream)
            .context_with(|| db_error("cabinet stream"))?;
        copy_hashing(&mut cabinet.spool, &mut stream, &mut fingerprint)
            .context_with(|| db_error("cabinet stream"))?;
    }
    let code = package_code(identity.upgrade_code, &fingerprint.finalize());
    fill_summary(
        db.summary_info_mut(),
        package,
        identity,
        code,
        ctx.source_date_epoch,
    );
    db.flush().context_with(|| db_error("flush"))?;
    drop(db);
    // Then into a fresh compound file, every sector chain running forward.
    let mut compact = spool_file(ctx)?;
    spool
        .seek(SeekFrom::Start(0))
        .and_then(|_| super::compound::rewrite(&mut spool, &mut compact))
        .context_with(|| db_error("compound file"))?;
    drop(spool);
    compact
        .seek(SeekFrom::Start(0))
        .and_then(|_| io::copy(&mut compact, out))
        .and_then(|_| out.flush())
        .context_with(|| "cannot write the msi".to_string())?;
    Ok(())
}

/// A read-write temporary file in the scratch folder.
fn spool_file(ctx: &WriteContext<'_>) -> Result<File> {
    tempfile::tempfile_in(ctx.scratch_dir).context_with(|| {
        format!(
            "cannot create a spool file in {}",
            ctx.scratch_dir.display()
        )
    })
}

/// The summary information stream: what msiexec and Explorer show, the
/// platform and languages (Template), the schema (PageCount), compression
/// (WordCount) and the package code (RevisionNumber).
fn fill_summary(
    summary: &mut msi::SummaryInfo,
    package: &Package,
    identity: &Identity,
    package_code: Uuid,
    epoch: u64,
) {
    summary.set_codepage(CodePage::Windows1252);
    summary.set_title("Installation Database");
    summary.set_subject(package.name.clone());
    summary.set_author(identity.manufacturer.clone());
    summary.set_keywords(&["Installer".to_string(), package.name.clone()]);
    summary.set_comments(package.summary.clone());
    summary.set_arch(identity.arch.template_platform());
    summary.set_languages(&[LanguageId::from_id(LANGUAGE)]);
    summary.set_uuid(package_code);
    summary.set_page_count(identity.arch.schema());
    // Compressed files, long names.
    summary.set_word_count(2);
    // Read-only recommended.
    summary.set_doc_security(2);
    summary.set_creating_application(concat!("vitte-buildkit ", env!("CARGO_PKG_VERSION")));
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(epoch);
    summary.set_creation_time(time);
    summary.set_last_save_time(time);
}

/// Strings the schema puts in the pool besides the rows' (table, column and
/// category names, `_Validation` text): a generous bound.
const SCHEMA_STRINGS: usize = 1024;
/// Distinct strings two-byte string references address.
const SHORT_REF_STRINGS: usize = u16::MAX as usize;
/// Distinct strings three-byte ("long") string references address.
pub const MAX_STRINGS: usize = 0xff_ffff;

/// Counts the distinct strings the rows need (`cabinets` is how many
/// cabinet names the Media table adds) and says whether the database needs
/// long string references; refuses a package whose strings even those
/// cannot address. This is the limit that binds the number of files: each
/// brings three or four strings of its own.
pub fn check_string_pool(
    package: &Package,
    layout: &Layout,
    identity: &Identity,
    cabinets: usize,
) -> Result<bool> {
    let mut strings = std::collections::HashSet::new();
    for (_, rows) in rows(package, layout, identity, &[]) {
        for value in rows.into_iter().flatten() {
            if let Value::Str(s) = value {
                strings.insert(s);
            }
        }
    }
    long_string_refs(
        strings.len() + cabinets + SCHEMA_STRINGS,
        layout.files.len(),
    )
}

/// Whether `needed` strings need long string references; an error when
/// even those cannot address them.
fn long_string_refs(needed: usize, files: usize) -> Result<bool> {
    if needed > MAX_STRINGS {
        return Err(Error::Invalid(format!(
            "{files} files need about {needed} distinct strings in the MSI database, more \
             than the {MAX_STRINGS} its string pool can address (3-byte string references; \
             about 4 strings per file); ship fewer files in one package (an archive \
             inside it, or several packages)"
        )));
    }
    Ok(needed > SHORT_REF_STRINGS)
}

/// Copies the cabinet into its stream while hashing it.
fn copy_hashing(from: &mut File, to: &mut impl Write, digest: &mut Sha256) -> io::Result<()> {
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = from.read(&mut buf)?;
        if n == 0 {
            return to.flush();
        }
        digest.update(&buf[..n]);
        to.write_all(&buf[..n])?;
    }
}

type Rows = Vec<Vec<Value>>;

/// Every table's rows, in creation order.
fn rows(
    package: &Package,
    layout: &Layout,
    id: &Identity,
    cabinets: &[Cabinet],
) -> Vec<(&'static str, Rows)> {
    vec![
        ("Property", properties(package, id)),
        ("Directory", directories(layout)),
        ("Feature", feature(package)),
        ("Component", components(layout, id.arch)),
        ("FeatureComponents", feature_components(layout)),
        ("File", files(layout)),
        ("Media", media(cabinets)),
        ("CreateFolder", create_folders(layout)),
        ("Environment", environment(package, layout)),
        ("Upgrade", upgrade(id)),
        ("LaunchCondition", launch_conditions()),
        ("InstallUISequence", sequence(INSTALL_UI)),
        ("InstallExecuteSequence", install_execute(package)),
        ("AdminUISequence", sequence(ADMIN_UI)),
        ("AdminExecuteSequence", sequence(ADMIN_EXECUTE)),
        ("AdvtExecuteSequence", sequence(ADVERTISE_EXECUTE)),
    ]
    .into_iter()
    .chain(service_rows(package, layout))
    .collect()
}

/// ServiceInstall and ServiceControl, when the package has services.
fn service_rows(package: &Package, layout: &Layout) -> Vec<(&'static str, Rows)> {
    if package.system.services.is_empty() {
        return Vec::new();
    }
    let (install, control) = services::rows(package, layout);
    vec![("ServiceInstall", install), ("ServiceControl", control)]
}

/// The standard actions, plus the service actions when there are services.
fn install_execute(package: &Package) -> Rows {
    let mut actions = INSTALL_EXECUTE.to_vec();
    if !package.system.services.is_empty() {
        actions.extend_from_slice(services::ACTIONS);
        actions.sort_by_key(|(_, n)| *n);
    }
    sequence(&actions)
}

fn text(s: &str) -> Value {
    Value::from(s)
}

fn opt(s: Option<&str>) -> Value {
    s.map_or(Value::Null, text)
}

/// At most `max` characters, for columns with a length limit.
fn clip(s: &str, max: usize) -> Value {
    Value::from(s.chars().take(max).collect::<String>())
}

fn properties(package: &Package, id: &Identity) -> Rows {
    let mut props: Vec<(&str, String)> = vec![
        ("ALLUSERS", "1".into()),
        ("ARPCONTACT", package.maintainer.clone()),
        ("ARPCOMMENTS", package.summary.clone()),
        ("ARPNOMODIFY", "1".into()),
        ("Manufacturer", id.manufacturer.clone()),
        ("ProductCode", braced(id.product_code)),
        ("ProductLanguage", LANGUAGE.to_string()),
        ("ProductName", package.name.clone()),
        ("ProductVersion", id.version.clone()),
        (
            "SecureCustomProperties",
            format!("{NEWER_FOUND};{OLDER_FOUND}"),
        ),
        ("UpgradeCode", braced(id.upgrade_code)),
    ];
    if let Some(homepage) = &package.homepage {
        props.push(("ARPURLINFOABOUT", homepage.clone()));
    }
    props.sort();
    props
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| vec![text(k), Value::from(v)])
        .collect()
}

fn directories(layout: &Layout) -> Rows {
    layout
        .directories
        .iter()
        .map(|d| vec![text(&d.id), opt(d.parent.as_deref()), text(&d.default_dir)])
        .collect()
}

fn feature(package: &Package) -> Rows {
    vec![vec![
        text(FEATURE),
        Value::Null,
        clip(&package.name, 64),
        clip(&package.summary, 255),
        Value::Int(1),
        Value::Int(1),
        text(INSTALL_DIR),
        Value::Int(0),
    ]]
}

fn components(layout: &Layout, arch: MsiArch) -> Rows {
    let attributes = if arch.is_64bit() { COMPONENT_64BIT } else { 0 };
    layout
        .components
        .iter()
        .map(|c| {
            vec![
                text(&c.id),
                Value::from(braced(c.guid)),
                text(&c.directory),
                Value::Int(attributes),
                Value::Null,
                opt(c.key_path.as_deref()),
            ]
        })
        .collect()
}

fn feature_components(layout: &Layout) -> Rows {
    layout
        .components
        .iter()
        .map(|c| vec![text(FEATURE), text(&c.id)])
        .collect()
}

fn files(layout: &Layout) -> Rows {
    layout
        .files
        .iter()
        .map(|f| {
            vec![
                text(&f.id),
                text(&f.component),
                text(&f.file_name),
                Value::Int(i32::try_from(f.size).expect("sizes are checked by Layout::plan")),
                opt(f.version.as_deref()),
                Value::Null,
                Value::Int(FILE_VITAL),
                Value::Int(f.sequence),
            ]
        })
        .collect()
}

/// One Media row per cabinet, numbered from 1; a package without files
/// still has disk 1, without a cabinet.
fn media(cabinets: &[Cabinet]) -> Rows {
    if cabinets.is_empty() {
        return vec![vec![
            Value::Int(1),
            Value::Int(0),
            Value::Null,
            Value::Null,
            Value::Null,
            Value::Null,
        ]];
    }
    cabinets
        .iter()
        .zip(1..)
        .map(|(cabinet, disk)| {
            vec![
                Value::Int(disk),
                Value::Int(cabinet.last_sequence),
                Value::Null,
                Value::Str(format!("#{}", cabinet.stream)),
                Value::Null,
                Value::Null,
            ]
        })
        .collect()
}

fn create_folders(layout: &Layout) -> Rows {
    layout
        .components
        .iter()
        .flat_map(|c| c.create_folders.iter().map(|d| vec![text(d), text(&c.id)]))
        .collect()
}

fn environment(package: &Package, layout: &Layout) -> Rows {
    match (&layout.bin_dir, package.formats.msi.path) {
        (Some(bin), true) => vec![vec![
            text("PATH"),
            // `=` set on install, `-` removed on uninstall, `*` system-wide.
            text("=-*PATH"),
            Value::from(format!("[~];[{bin}]")),
            text(FOLDERS_COMPONENT),
        ]],
        _ => Vec::new(),
    }
}

fn upgrade(id: &Identity) -> Rows {
    let code = braced(id.upgrade_code);
    vec![
        // Any older version: found, then removed by RemoveExistingProducts.
        vec![
            Value::from(code.clone()),
            Value::Null,
            Value::from(id.version.clone()),
            Value::Null,
            Value::Int(UPGRADE_MIGRATE_FEATURES),
            Value::Null,
            text(OLDER_FOUND),
        ],
        // Any newer version: only detected, and the launch condition refuses.
        vec![
            Value::from(code),
            Value::from(id.version.clone()),
            Value::Null,
            Value::Null,
            Value::Int(UPGRADE_ONLY_DETECT),
            Value::Null,
            text(NEWER_FOUND),
        ],
    ]
}

fn launch_conditions() -> Rows {
    vec![vec![
        Value::from(format!("NOT {NEWER_FOUND} OR Installed")),
        text(
            "A newer version of [ProductName] is already installed; this installer \
             (version [ProductVersion]) will not downgrade it. Uninstall the newer \
             version first to install this one.",
        ),
    ]]
}

/// (action, sequence number); no action has a condition.
type Sequence = &'static [(&'static str, i32)];

const INSTALL_UI: Sequence = &[
    ("FindRelatedProducts", 25),
    ("LaunchConditions", 100),
    ("ValidateProductID", 700),
    ("CostInitialize", 800),
    ("FileCost", 900),
    ("CostFinalize", 1000),
    ("MigrateFeatureStates", 1200),
    ("ExecuteAction", 1300),
];

const INSTALL_EXECUTE: Sequence = &[
    ("FindRelatedProducts", 25),
    ("LaunchConditions", 100),
    ("ValidateProductID", 700),
    ("CostInitialize", 800),
    ("FileCost", 900),
    ("CostFinalize", 1000),
    ("MigrateFeatureStates", 1200),
    ("InstallValidate", 1400),
    ("RemoveExistingProducts", 1401),
    ("InstallInitialize", 1500),
    ("ProcessComponents", 1600),
    ("UnpublishFeatures", 1800),
    ("RemoveEnvironmentStrings", 3300),
    ("RemoveFiles", 3500),
    ("RemoveFolders", 3600),
    ("CreateFolders", 3700),
    ("InstallFiles", 4000),
    ("WriteEnvironmentStrings", 5200),
    ("RegisterUser", 6000),
    ("RegisterProduct", 6100),
    ("PublishFeatures", 6300),
    ("PublishProduct", 6400),
    ("InstallFinalize", 6600),
];

const ADMIN_UI: Sequence = &[
    ("CostInitialize", 800),
    ("FileCost", 900),
    ("CostFinalize", 1000),
    ("ExecuteAction", 1300),
];

const ADMIN_EXECUTE: Sequence = &[
    ("CostInitialize", 800),
    ("FileCost", 900),
    ("CostFinalize", 1000),
    ("InstallValidate", 1400),
    ("InstallInitialize", 1500),
    ("InstallAdminPackage", 3900),
    ("InstallFiles", 4000),
    ("InstallFinalize", 6600),
];

const ADVERTISE_EXECUTE: Sequence = &[
    ("CostInitialize", 800),
    ("CostFinalize", 1000),
    ("InstallValidate", 1400),
    ("InstallInitialize", 1500),
    ("PublishFeatures", 6300),
    ("PublishProduct", 6400),
    ("InstallFinalize", 6600),
];

fn sequence(actions: &[(&str, i32)]) -> Rows {
    actions
        .iter()
        .map(|(action, number)| vec![text(action), Value::Null, Value::Int(*number)])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_reference_width_follows_the_pool_size() {
        assert!(!long_string_refs(10, 1).unwrap());
        assert!(!long_string_refs(65_535, 16_000).unwrap());
        assert!(long_string_refs(65_536, 16_000).unwrap());
        assert!(long_string_refs(0xff_ffff, 4_000_000).unwrap());
        let err = long_string_refs(0x100_0000, 4_200_000)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("4200000 files need about 16777216 distinct strings")
                && err.contains("16777215"),
            "{err}"
        );
    }
}
