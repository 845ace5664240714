//! `--cache…` flags of `package` and `cross`, and `vitte-buildkit cache
//! stats|gc|clear|key`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;

use super::{MessageFormat, OutputArgs, ProjectArgs};
use crate::buildkit::BuildKit;
use crate::cache::local::LocalStore;
use crate::cache::{self, CacheConfig, CacheMode};
use crate::error::Error;

/// The cache flags of the commands that package.
#[derive(clap::Args, Debug, Default)]
pub(super) struct CacheArgs {
    /// Local cache folder, or `off` (default: $VITTE_BUILDKIT_CACHE_DIR, $XDG_CACHE_HOME/vitte-buildkit, ~/.cache/vitte-buildkit).
    #[arg(long, value_name = "DIR|off")]
    cache: Option<String>,
    /// Shared cache in an OCI registry: oci://HOST/REPOSITORY[?insecure], or `off`.
    #[arg(long, value_name = "oci://HOST/REPO")]
    cache_remote: Option<String>,
    /// read: only pull from the remote cache; read-write: also push what was built.
    #[arg(long, value_name = "MODE", value_parser = CacheMode::parse)]
    cache_mode: Option<CacheMode>,
}

impl CacheArgs {
    /// Hands the flags given to `kit`.
    pub(super) fn apply<'a>(&self, kit: BuildKit<'a>) -> BuildKit<'a> {
        kit.cache(CacheConfig {
            dir: self.cache.clone(),
            remote: self.cache_remote.clone(),
            mode: self.cache_mode,
            ..Default::default()
        })
    }
}

#[derive(Subcommand, Debug)]
pub(super) enum CacheCommand {
    /// Print the cache folder, its entries and their size.
    Stats(StoreArgs),
    /// Remove the least recently used entries above a size.
    Gc {
        #[command(flatten)]
        store: StoreArgs,
        /// Keep at most this much (bytes, or 10GiB, 500M, …; default 10GiB).
        #[arg(long, value_name = "SIZE", value_parser = cache::parse_size)]
        max_size: Option<u64>,
    },
    /// Remove every entry.
    Clear(StoreArgs),
    /// Print the cache key of each job (package × target × format) without building.
    Key(KeyArgs),
}

/// Which local cache the maintenance commands act on.
#[derive(clap::Args, Debug)]
pub(super) struct StoreArgs {
    /// The cache folder (default: as for `package`).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    #[command(flatten)]
    output: OutputArgs,
}

impl StoreArgs {
    fn open(&self) -> Result<LocalStore, Error> {
        let dir = self
            .cache
            .clone()
            .or_else(cache::default_dir)
            .ok_or_else(|| {
                Error::Usage(
                    "no cache folder: pass --cache DIR or set VITTE_BUILDKIT_CACHE_DIR".into(),
                )
            })?;
        LocalStore::open(&dir).map_err(|source| Error::Output {
            context: "cache folder".into(),
            source,
        })
    }
}

#[derive(clap::Args, Debug)]
pub(super) struct KeyArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Formats, comma separated, or `all`.
    #[arg(short, long, value_name = "F[,F…]", value_delimiter = ',')]
    format: Vec<String>,
    /// Targets, comma separated (default: the host).
    #[arg(short, long, value_name = "T[,T…]", value_delimiter = ',')]
    target: Vec<String>,
    /// The signing key of the build (it is part of an RPM's key).
    #[arg(long, value_name = "PATH")]
    key: Option<PathBuf>,
    /// Also print every input of each key, and what changed since the job's last run.
    #[arg(long)]
    explain: bool,
    /// The cache folder whose records `--explain` compares with.
    #[arg(long, value_name = "DIR|off")]
    cache: Option<String>,
    #[command(flatten)]
    output: OutputArgs,
}

pub(super) fn run(command: CacheCommand) -> ExitCode {
    match command {
        CacheCommand::Stats(store) => maintain(&store, "stats", |s| Ok(s.stats())),
        CacheCommand::Gc { store, max_size } => maintain(&store, "gc", |s| {
            Ok(s.evict(max_size.unwrap_or(cache::DEFAULT_MAX_SIZE)))
        }),
        CacheCommand::Clear(store) => maintain(&store, "clear", |s| {
            s.clear().map_err(|source| Error::Output {
                context: format!("cannot clear {}", s.dir().display()),
                source,
            })
        }),
        CacheCommand::Key(args) => key(args),
    }
}

/// Runs a maintenance command and prints its counts.
fn maintain(
    args: &StoreArgs,
    what: &str,
    act: impl FnOnce(&LocalStore) -> Result<cache::local::Stats, Error>,
) -> ExitCode {
    let reporter = args.output.reporter();
    let result = args.open().and_then(|store| {
        let stats = act(&store)?;
        let dir = store.dir().display().to_string();
        if args.output.message_format == MessageFormat::Json {
            println!(
                "{}",
                json!({"reason": "cache", "command": what, "dir": dir, "entries": stats.entries, "bytes": stats.bytes})
            );
        } else if !args.output.quiet {
            let verb = if what == "stats" { "holds" } else { "removed" };
            eprintln!("{:>12} {dir} {verb} {} entries, {} bytes", "Cache", stats.entries, stats.bytes);
        }
        Ok(())
    });
    reporter.finish(
        result
            .as_ref()
            .map_err(|e| e as &dyn std::error::Error)
            .copied(),
    )
}

fn key(args: KeyArgs) -> ExitCode {
    let reporter = args.output.reporter();
    let mut kit = args
        .project
        .apply(BuildKit::new().listener(reporter.listener()));
    for target in &args.target {
        kit = kit.target(target);
    }
    for format in &args.format {
        kit = kit.format(format);
    }
    kit = kit.cache(CacheConfig {
        dir: args.cache.clone(),
        ..Default::default()
    });
    let json = args.output.message_format == MessageFormat::Json;
    let result = super::keys::with_key(kit, args.key.as_deref())
        .and_then(|kit| kit.cache_keys())
        .map(|planned| {
            for p in &planned {
                if json {
                    let inputs: serde_json::Map<_, _> = p.key.inputs.lines.iter().map(|(l, v)| (l.clone(), json!(v))).collect();
                    let changes: Vec<_> = p.changes.iter().map(|(l, old, new)| json!({"input": l, "was": old, "now": new})).collect();
                    println!("{}", json!({"reason": "cache-key", "file": p.file_name, "key": p.key.key.to_string(), "inputs": if args.explain { json!(inputs) } else { json!(null) }, "changed": changes}));
                    continue;
                }
                println!("{}  {}", p.key.key, p.file_name);
                if !args.explain {
                    continue;
                }
                for (label, value) in &p.key.inputs.lines {
                    println!("    {label}: {}", value.escape_debug());
                }
                for (label, old, new) in &p.changes {
                    let show = |v: &Option<String>| v.clone().unwrap_or_else(|| "(absent)".into());
                    println!("  changed since the last run: {label}: {} -> {}", show(old), show(new));
                }
            }
        });
    reporter.finish(
        result
            .as_ref()
            .map_err(|e| e as &dyn std::error::Error)
            .copied(),
    )
}
