//! The schemas of the database tables the MSI backend writes, defined once.
//!
//! The `msi` crate knows no standard table, so each one is spelled out here
//! with the column types, lengths, nullability, keys and validation
//! categories of the Windows Installer SDK's schema (the same ones WiX
//! writes). Creating a table through the crate also fills `_Validation`, so
//! the database carries the rows ICE validators and msitools expect.

use msi::{Category, Column};

/// One table: its name and columns, in order.
pub struct TableSchema {
    pub name: &'static str,
    pub columns: Vec<Column>,
}

/// Every table the backend creates, in creation order.
pub fn all() -> Vec<TableSchema> {
    vec![
        table("Property", property()),
        table("Directory", directory()),
        table("Feature", feature()),
        table("Component", component()),
        table("FeatureComponents", feature_components()),
        table("File", file()),
        table("Media", media()),
        table("CreateFolder", create_folder()),
        table("Environment", environment()),
        table("Upgrade", upgrade()),
        table("LaunchCondition", launch_condition()),
        table("InstallExecuteSequence", sequence()),
        table("InstallUISequence", sequence()),
        table("AdminExecuteSequence", sequence()),
        table("AdminUISequence", sequence()),
        table("AdvtExecuteSequence", sequence()),
    ]
}

fn table(name: &'static str, columns: Vec<Column>) -> TableSchema {
    TableSchema { name, columns }
}

/// A primary-key identifier column of at most `len` characters.
fn key(name: &str, len: usize) -> Column {
    Column::build(name).primary_key().id_string(len)
}

/// A required identifier column pointing at another table's key.
fn foreign(name: &str, len: usize, table: &str) -> Column {
    Column::build(name).foreign_key(table, 1).id_string(len)
}

fn property() -> Vec<Column> {
    vec![
        key("Property", 72),
        Column::build("Value").localizable().text_string(0),
    ]
}

fn directory() -> Vec<Column> {
    vec![
        key("Directory", 72),
        Column::build("Directory_Parent")
            .nullable()
            .foreign_key("Directory", 1)
            .id_string(72),
        Column::build("DefaultDir")
            .localizable()
            .category(Category::DefaultDir)
            .string(255),
    ]
}

fn feature() -> Vec<Column> {
    vec![
        key("Feature", 38),
        Column::build("Feature_Parent").nullable().id_string(38),
        Column::build("Title")
            .nullable()
            .localizable()
            .text_string(64),
        Column::build("Description")
            .nullable()
            .localizable()
            .text_string(255),
        Column::build("Display").nullable().range(0, 32767).int16(),
        Column::build("Level").range(0, 32767).int16(),
        Column::build("Directory_")
            .nullable()
            .foreign_key("Directory", 1)
            .category(Category::UpperCase)
            .string(72),
        Column::build("Attributes").int16(),
    ]
}

fn component() -> Vec<Column> {
    vec![
        key("Component", 72),
        Column::build("ComponentId")
            .nullable()
            .category(Category::Guid)
            .string(38),
        foreign("Directory_", 72, "Directory"),
        Column::build("Attributes").int16(),
        Column::build("Condition")
            .nullable()
            .category(Category::Condition)
            .string(255),
        Column::build("KeyPath")
            .nullable()
            .foreign_key("File", 1)
            .id_string(72),
    ]
}

fn feature_components() -> Vec<Column> {
    vec![
        Column::build("Feature_")
            .primary_key()
            .foreign_key("Feature", 1)
            .id_string(38),
        Column::build("Component_")
            .primary_key()
            .foreign_key("Component", 1)
            .id_string(72),
    ]
}

fn file() -> Vec<Column> {
    vec![
        key("File", 72),
        foreign("Component_", 72, "Component"),
        Column::build("FileName")
            .localizable()
            .category(Category::Filename)
            .string(255),
        Column::build("FileSize").range(0, i32::MAX).int32(),
        Column::build("Version")
            .nullable()
            .category(Category::Version)
            .string(72),
        Column::build("Language")
            .nullable()
            .category(Category::Language)
            .string(20),
        Column::build("Attributes")
            .nullable()
            .range(0, 32767)
            .int16(),
        Column::build("Sequence").range(1, i32::MAX).int32(),
    ]
}

fn media() -> Vec<Column> {
    vec![
        Column::build("DiskId")
            .primary_key()
            .range(1, 32767)
            .int16(),
        Column::build("LastSequence").range(0, i32::MAX).int32(),
        Column::build("DiskPrompt")
            .nullable()
            .localizable()
            .text_string(64),
        Column::build("Cabinet")
            .nullable()
            .category(Category::Cabinet)
            .string(255),
        Column::build("VolumeLabel").nullable().text_string(32),
        Column::build("Source")
            .nullable()
            .category(Category::Property)
            .string(72),
    ]
}

fn create_folder() -> Vec<Column> {
    vec![
        Column::build("Directory_")
            .primary_key()
            .foreign_key("Directory", 1)
            .id_string(72),
        Column::build("Component_")
            .primary_key()
            .foreign_key("Component", 1)
            .id_string(72),
    ]
}

fn environment() -> Vec<Column> {
    vec![
        key("Environment", 72),
        Column::build("Name").localizable().text_string(255),
        Column::build("Value")
            .nullable()
            .localizable()
            .formatted_string(255),
        foreign("Component_", 72, "Component"),
    ]
}

fn upgrade() -> Vec<Column> {
    vec![
        Column::build("UpgradeCode")
            .primary_key()
            .category(Category::Guid)
            .string(38),
        Column::build("VersionMin")
            .primary_key()
            .nullable()
            .text_string(20),
        Column::build("VersionMax")
            .primary_key()
            .nullable()
            .text_string(20),
        Column::build("Language")
            .primary_key()
            .nullable()
            .category(Category::Language)
            .string(255),
        Column::build("Attributes")
            .primary_key()
            .range(0, i32::MAX)
            .int32(),
        Column::build("Remove").nullable().formatted_string(255),
        Column::build("ActionProperty")
            .category(Category::UpperCase)
            .string(72),
    ]
}

fn launch_condition() -> Vec<Column> {
    vec![
        Column::build("Condition")
            .primary_key()
            .category(Category::Condition)
            .string(255),
        Column::build("Description")
            .localizable()
            .formatted_string(255),
    ]
}

/// The columns every `*Sequence` table shares.
fn sequence() -> Vec<Column> {
    vec![
        key("Action", 72),
        Column::build("Condition")
            .nullable()
            .category(Category::Condition)
            .string(255),
        Column::build("Sequence")
            .nullable()
            .range(-4, 32767)
            .int16(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_a_key_and_unique_column_names() {
        for table in all() {
            assert!(
                table.columns.iter().any(Column::is_primary_key),
                "{}",
                table.name
            );
            let mut names: Vec<&str> = table.columns.iter().map(Column::name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), table.columns.len(), "{}", table.name);
        }
    }
}
