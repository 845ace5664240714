//! Prints, one fact a line, what apple-platform-rs's readers find in a
//! `.pkg`: the flavor, the Distribution's options and pkg-refs, each
//! component's PackageInfo, Bom paths, Payload and Scripts entries. Any
//! error they report ends the run with a non-zero exit code.

use std::io::Read;
use std::process::ExitCode;

use apple_flat_package::package_info::Script;
use apple_flat_package::PkgReader;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: pkg-reader FILE.pkg");
        return ExitCode::from(2);
    };
    match read(&path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{path}: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &str) -> Result<(), Box<dyn std::error::Error>> {
    let mut reader = PkgReader::new(std::fs::File::open(path)?)?;
    println!("flavor {:?}", reader.flavor());
    if let Some(dist) = reader.distribution()? {
        if let Some(options) = &dist.options {
            println!(
                "host-architectures {}",
                options.host_architecutres.as_deref().unwrap_or("")
            );
        }
        for pkg_ref in &dist.pkg_ref {
            if let Some(version) = &pkg_ref.version {
                println!(
                    "pkg-ref {} {version} {}",
                    pkg_ref.id,
                    pkg_ref.install_kbytes.unwrap_or(0)
                );
            }
        }
    }
    for component in reader.component_packages()? {
        let info = component.package_info().ok_or("no PackageInfo")?;
        println!("identifier {}", info.identifier);
        println!("version {}", info.version);
        println!(
            "install-location {}",
            info.install_location.as_deref().unwrap_or("")
        );
        if let Some(payload) = &info.payload {
            println!("number-of-files {}", payload.number_of_files);
        }
        for script in &info.scripts.scripts {
            match script {
                Script::PreInstall(s) => println!("script preinstall {}", s.file),
                Script::PostInstall(s) => println!("script postinstall {}", s.file),
            }
        }
        let bom = apple_bom::ParsedBom::parse(component.bom().ok_or("no Bom")?)?;
        for p in bom.paths()? {
            println!(
                "bom {} {:o} {} {} {}",
                p.path(),
                p.file_mode(),
                p.size(),
                p.crc32().map(|c| c.to_string()).unwrap_or("-".into()),
                p.link_name().unwrap_or("-")
            );
        }
        for (label, archive) in [
            ("payload", component.payload_reader()?),
            ("scripts-archive", component.scripts_reader()?),
        ] {
            let Some(mut archive) = archive else { continue };
            while let Some(entry) = archive.read_next()? {
                let mut data = Vec::new();
                archive.read_to_end(&mut data)?;
                println!("{label} {} {:o} {}", entry.name(), entry.mode(), data.len());
            }
        }
    }
    Ok(())
}
