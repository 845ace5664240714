//! Windows services: the `ServiceInstall` and `ServiceControl` rows that
//! make a service's `exec` program (a file of the package, the key path of
//! its own component) a Windows service, and the standard actions that act
//! on them, at the Windows Installer SDK's sequence numbers.
//!
//! What WiX writes for `<ServiceInstall>` with `<ServiceControl Start="install"
//! Stop="both" Remove="uninstall" Wait="yes">`: started on install (when
//! `start`), stopped on install and uninstall — so a major upgrade stops
//! the old program before removing it and starts the new one after — and
//! deleted on uninstall. `enable` picks the start type (automatic or on
//! demand). The service runs as LocalSystem, or the built-in account
//! `windows-account` names (StartName, no password); `user`, `group`, `after`,
//! `wants`, `environment` and `working-directory` are systemd's and have no
//! column here.

use msi::{Category, Column, Value};

use super::layout::Layout;
use super::schema::TableSchema;
use crate::error::{Error, Result};
use crate::model::{Package, Service};

/// SERVICE_WIN32_OWN_PROCESS.
const OWN_PROCESS: i32 = 0x10;
/// SERVICE_AUTO_START, SERVICE_DEMAND_START.
const AUTO_START: i32 = 2;
const DEMAND_START: i32 = 3;
/// SERVICE_ERROR_NORMAL: logged, startup goes on.
const ERROR_NORMAL: i32 = 1;
/// msidbServiceControlEvent*: start on install, stop on install, stop and
/// delete on uninstall.
const EVENT_INSTALL_START: i32 = 0x1;
const EVENT_INSTALL_STOP: i32 = 0x2;
const EVENT_UNINSTALL_STOP: i32 = 0x20;
const EVENT_UNINSTALL_DELETE: i32 = 0x80;

/// The actions that install, start, stop and delete services.
pub const ACTIONS: &[(&str, i32)] = &[
    ("StopServices", 1900),
    ("DeleteServices", 2000),
    ("InstallServices", 5800),
    ("StartServices", 5900),
];

/// The two tables, created only when the package has services.
pub fn schemas() -> Vec<TableSchema> {
    let formatted = |name: &str| Column::build(name).nullable().formatted_string(255);
    let component = || {
        Column::build("Component_")
            .foreign_key("Component", 1)
            .id_string(72)
    };
    vec![
        TableSchema {
            name: "ServiceInstall",
            columns: vec![
                Column::build("ServiceInstall").primary_key().id_string(72),
                Column::build("Name").formatted_string(255),
                formatted("DisplayName"),
                Column::build("ServiceType").int32(),
                Column::build("StartType").range(0, 4).int32(),
                Column::build("ErrorControl").int32(),
                formatted("LoadOrderGroup"),
                formatted("Dependencies"),
                formatted("StartName"),
                formatted("Password"),
                formatted("Arguments"),
                component(),
                Column::build("Description")
                    .nullable()
                    .category(Category::Text)
                    .string(255),
            ],
        },
        TableSchema {
            name: "ServiceControl",
            columns: vec![
                Column::build("ServiceControl").primary_key().id_string(72),
                Column::build("Name").formatted_string(255),
                Column::build("Event").range(0, 187).int16(),
                formatted("Arguments"),
                Column::build("Wait").nullable().range(0, 1).int16(),
                component(),
            ],
        },
    ]
}

/// The component whose key path is the service's program.
fn component<'a>(package: &Package, layout: &'a Layout, service: &Service) -> Result<&'a str> {
    let program = service.program().ok_or_else(|| {
        Error::Invalid(format!(
            "services.{}: a Windows service needs `exec`, the .exe to run",
            service.name
        ))
    })?;
    layout
        .files
        .iter()
        .find(|f| package.entries[f.entry].path == program)
        .map(|f| f.component.as_str())
        .ok_or_else(|| {
            Error::Invalid(format!(
                "services.{}.exec `{program}` is not a file of the package",
                service.name
            ))
        })
}

/// Checks every service can be mapped, before anything is written.
pub fn check(package: &Package, layout: &Layout) -> Result<()> {
    for service in &package.system.services {
        component(package, layout, service)?;
        let args = arguments(service);
        if args.chars().count() > 255 || service.description.chars().count() > 255 {
            return Err(Error::Invalid(format!(
                "services.{}: the arguments and the description must each fit 255 characters in an MSI",
                service.name
            )));
        }
    }
    Ok(())
}

/// `(ServiceInstall rows, ServiceControl rows)`; components the layout
/// does not have are left out (`check` refuses them first).
pub fn rows(package: &Package, layout: &Layout) -> (Vec<Vec<Value>>, Vec<Vec<Value>>) {
    let mut install = Vec::new();
    let mut control = Vec::new();
    for (service, n) in package.system.services.iter().zip(1..) {
        let Ok(component) = component(package, layout, service) else {
            continue;
        };
        let args = escape_formatted(&arguments(service));
        let args = (!args.is_empty()).then_some(args);
        install.push(vec![
            Value::from(format!("ServiceInstall{n}")),
            Value::from(service.name.as_str()),
            Value::from(service.name.as_str()),
            Value::Int(OWN_PROCESS),
            Value::Int(if service.enable {
                AUTO_START
            } else {
                DEMAND_START
            }),
            Value::Int(ERROR_NORMAL),
            Value::Null,
            Value::Null,
            service
                .windows_account
                .as_deref()
                .map_or(Value::Null, Value::from),
            Value::Null,
            args.map_or(Value::Null, Value::from),
            Value::from(component),
            Value::from(service.description.as_str()),
        ]);
        let start = if service.start {
            EVENT_INSTALL_START
        } else {
            0
        };
        control.push(vec![
            Value::from(format!("ServiceControl{n}")),
            Value::from(service.name.as_str()),
            Value::Int(start | EVENT_INSTALL_STOP | EVENT_UNINSTALL_STOP | EVENT_UNINSTALL_DELETE),
            Value::Null,
            Value::Int(1),
            Value::from(component),
        ]);
    }
    (install, control)
}

/// `[` and `]` start a property reference in a Formatted column; these
/// forms stand for the characters themselves.
fn escape_formatted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '[' => out.push_str("[\\[]"),
            ']' => out.push_str("[\\]]"),
            c => out.push(c),
        }
    }
    out
}

/// The program's arguments as one command-line tail: words with spaces or
/// quotes are quoted the way the C runtime splits them back.
fn arguments(service: &Service) -> String {
    let words = service.exec.iter().flatten().skip(1);
    let quoted: Vec<String> = words
        .map(|w| {
            if !w.is_empty() && !w.contains([' ', '\t', '"']) {
                w.clone()
            } else {
                format!("\"{}\"", w.replace('"', "\\\""))
            }
        })
        .collect();
    quoted.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_are_escaped_for_formatted_columns() {
        assert_eq!(escape_formatted("--x [a]"), "--x [\\[]a[\\]]");
    }
}
