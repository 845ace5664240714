use msi::{
    Column, CompoundFileVersion, CreateOptions, Insert, Package, PackageType,
    Select, Value,
};
use std::io::{Cursor, ErrorKind};

// ========================================================================= //

fn header_version_and_sector_shift(bytes: &[u8]) -> (u16, u16) {
    let word = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]);
    (word(26), word(30))
}

fn strings_table(package: &mut Package<Cursor<Vec<u8>>>) {
    let columns = vec![
        Column::build("Key").primary_key().string(16),
        Column::build("Value").nullable().string(16),
    ];
    package.create_table("Strings", columns).unwrap();
}

fn rows(numbers: std::ops::Range<usize>) -> Vec<Vec<Value>> {
    numbers
        .map(|n| {
            vec![Value::from(format!("k{n}")), Value::from(format!("v{n}"))]
        })
        .collect()
}

#[test]
fn default_is_version_4() {
    let cursor = Cursor::new(Vec::new());
    let package = Package::create(PackageType::Installer, cursor).unwrap();
    let bytes = package.into_inner().unwrap().into_inner();
    assert_eq!(header_version_and_sector_shift(&bytes), (4, 12));
}

#[test]
fn version_3_has_512_byte_sectors_and_reads_back() {
    let options =
        CreateOptions::new().compound_file_version(CompoundFileVersion::V3);
    let cursor = Cursor::new(Vec::new());
    let mut package =
        Package::create_with_options(PackageType::Installer, cursor, options)
            .unwrap();
    strings_table(&mut package);
    package.insert_rows(Insert::into("Strings").rows(rows(0..10))).unwrap();
    let mut writer = package.write_stream("Blob").unwrap();
    std::io::Write::write_all(&mut writer, &[7u8; 10_000]).unwrap();
    drop(writer);
    let bytes = package.into_inner().unwrap().into_inner();
    assert_eq!(header_version_and_sector_shift(&bytes), (3, 9));
    assert_eq!(bytes.len() % 512, 0);
    let mut package = Package::open(Cursor::new(bytes)).unwrap();
    let found = package.select_rows(Select::table("Strings")).unwrap().len();
    assert_eq!(found, 10);
}

#[test]
fn short_string_refs_refuse_a_full_pool_and_leave_the_table_alone() {
    let cursor = Cursor::new(Vec::new());
    let mut package = Package::create(PackageType::Installer, cursor).unwrap();
    strings_table(&mut package);
    package.insert_rows(Insert::into("Strings").rows(rows(0..10))).unwrap();
    let error = package
        .insert_rows(Insert::into("Strings").rows(rows(10..40_010)))
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    let found = package.select_rows(Select::table("Strings")).unwrap().len();
    assert_eq!(found, 10);
    // The references taken before the pool ran out were given back.
    package.insert_rows(Insert::into("Strings").rows(rows(10..20))).unwrap();
    let bytes = package.into_inner().unwrap().into_inner();
    let mut package = Package::open(Cursor::new(bytes)).unwrap();
    let found = package.select_rows(Select::table("Strings")).unwrap().len();
    assert_eq!(found, 20);
}

#[test]
fn long_string_refs_hold_more_than_65535_strings() {
    let options = CreateOptions::new()
        .compound_file_version(CompoundFileVersion::V3)
        .long_string_refs(true);
    let cursor = Cursor::new(Vec::new());
    let mut package =
        Package::create_with_options(PackageType::Installer, cursor, options)
            .unwrap();
    strings_table(&mut package);
    package
        .insert_rows(Insert::into("Strings").rows(rows(0..40_000)))
        .unwrap();
    let bytes = package.into_inner().unwrap().into_inner();
    let mut package = Package::open(Cursor::new(bytes)).unwrap();
    let rows: Vec<_> =
        package.select_rows(Select::table("Strings")).unwrap().collect();
    assert_eq!(rows.len(), 40_000);
    let last = rows
        .iter()
        .find(|row| row["Key"] == Value::from("k39999"))
        .expect("last row");
    assert_eq!(last["Value"], Value::from("v39999"));
}

// ========================================================================= //
