use callboard::cli::{run_with_config, Cli};
use callboard::{app, config::Config, keymap::Keymap, source::Source};
use clap::Parser;

/// Loading a large catalog is a million small allocations; mimalloc makes
/// them (and freeing them on a sync) several times cheaper than glibc's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = Cli::parse_from(callboard::cli::search_args(std::env::args_os()));
    callboard::logging::init();
    let code = match run(cli) {
        Ok(()) => 0,
        // `callboard search … | head` closing the pipe early is not an error.
        Err(exit) if exit.message.contains("os error 32") => 0,
        // `health` exits with the worst state and has printed everything already.
        Err(exit) if exit.message.is_empty() => exit.code,
        Err(exit) => {
            eprintln!("callboard: {}", exit.message);
            exit.code
        }
    };
    std::process::exit(code);
}

fn run(cli: Cli) -> Result<(), callboard::cli::Exit> {
    let config = Config::load(cli.global.config.as_deref()).map_err(anyhow::Error::from)?;
    for warning in &config.warnings {
        tracing::warn!("{warning}");
        eprintln!("callboard: warning: {warning}");
    }
    let source = Source::select(&cli.global.choice(), &config)?;
    if let Some(warning) = source.tls_warning() {
        tracing::warn!("{warning}");
        eprintln!("callboard: warning: {warning}");
    }
    match cli.command {
        Some(command) => {
            let mut config = config;
            config.read_only |= cli.global.read_only;
            run_with_config(command, &source, &config)
        }
        None => {
            use std::io::IsTerminal;
            // Drawing into a pipe or reading keys from one only hangs or makes
            // garbage; a script wants a subcommand.
            if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
                return Err(callboard::cli::Exit::new(
                    callboard::cli::EXIT_USAGE,
                    "the TUI needs a terminal (stdin and stdout must be one); \
                     from a script, use a subcommand: callboard search, who, get, deps, docs, open, sync (see --help)",
                ));
            }
            let (keymap, warnings) = Keymap::new(&config.keys).map_err(|e| anyhow::anyhow!("config: {e}"))?;
            let monochrome = std::env::var_os("NO_COLOR").is_some() || config.theme.as_deref() == Some("mono");
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(anyhow::Error::from)?;
            runtime
                .block_on(app::run(app::AppOptions {
                    source,
                    keymap,
                    monochrome,
                    sync_interval: config.sync_interval,
                    me: config.me.clone(),
                    runbook_annotations: config.runbooks.annotations.clone(),
                    instances: config.instances.clone(),
                    dry_run_server: callboard::exec::dry_run::server_for_folder(&config),
                    start_at: cli.entity,
                    warnings,
                    health: config.health.clone(),
                    actions: callboard::actions::ActionState {
                        configured: config.actions.clone(),
                        read_only: config.read_only || cli.global.read_only,
                        settings: config.actions_settings.clone(),
                        ..Default::default()
                    },
                }))
                .map_err(Into::into)
        }
    }
}
