//! The `bianli` command: serve the platform, seed the demo, and (in later
//! contexts) import, export and verify. It calls the same use cases as the web.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::{Context, Result};
use bianli_app::App;
use bianli_app::seed::{DEMO_ACCOUNTS, DEMO_DEPARTMENT, DEMO_PASSWORD, SeedStep};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(
    name = "bianli",
    version,
    about = "便利 — Hunan's one-network government service platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Clone)]
struct Db {
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB
    #[arg(long, env = "BIANLI_DB", default_value = "sqlite://bianli.db")]
    db: String,
}

#[derive(clap::Args, Clone)]
struct Addr {
    /// Address to listen on
    #[arg(long, env = "BIANLI_ADDR", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (migrations run at start)
    Serve {
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        addr: Addr,
    },
    /// Seed the demo data when the database is empty, then serve
    Demo {
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        addr: Addr,
    },
    /// Seed only
    Seed {
        /// Seed Hunan's demo data (divisions, departments, the power list and its history, accounts)
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        db: Db,
    },
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    match Cli::parse().command {
        Command::Serve { db, addr } => serve(open(&db.db).await?, addr.addr, false).await,
        Command::Demo { db, addr } => {
            let app = open(&db.db).await?;
            seed(&app).await?;
            serve(app, addr.addr, true).await
        }
        Command::Seed { demo, db } => {
            if !demo {
                anyhow::bail!("say what to seed: `bianli seed --demo`");
            }
            seed(&open(&db.db).await?).await
        }
    }
}

async fn open(db: &str) -> Result<App> {
    if let Some(path) = db.strip_prefix("sqlite://")
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    App::open(db).await.with_context(|| format!("opening {db}"))
}

async fn seed(app: &App) -> Result<()> {
    let started = Instant::now();
    let bar = ProgressBar::new(1);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.set_message("loading divisions and departments");
    let progress = |step: SeedStep| match step {
        SeedStep::Reference {
            divisions,
            departments,
        } => {
            bar.set_message(format!("{divisions} divisions, {departments} departments"));
        }
        SeedStep::Accounts(n) => bar.set_message(format!("{n} demo accounts")),
        SeedStep::Decree {
            index,
            of,
            number,
            adjustments,
        } => {
            bar.set_length(of as u64);
            bar.set_position(index as u64);
            bar.set_message(format!("{number}: {adjustments} adjustments"));
        }
        SeedStep::Indexed => bar.set_message("search index built"),
    };
    let seeded = app.seed_demo(&progress).await.context("seeding the demo")?;
    bar.finish_and_clear();
    if seeded {
        println!(
            "Seeded the Hunan demo in {:.1} s.",
            started.elapsed().as_secs_f64()
        );
    } else {
        println!("The database already has data; nothing seeded.");
    }
    Ok(())
}

async fn serve(app: App, addr: SocketAddr, demo: bool) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let url = format!("http://{}", listener.local_addr()?);
    println!("Bianli (便利) is running at {url}");
    if demo {
        println!("Demo accounts (password `{DEMO_PASSWORD}`); staff work in {DEMO_DEPARTMENT}:");
        for a in DEMO_ACCOUNTS {
            println!("  {:<11} {}", a.username, a.role.zh());
        }
    }
    bianli_web::serve(app, listener).await.context("serving")?;
    Ok(())
}
