//! The `bianli` command: serve the platform, seed the demo, and (in later
//! contexts) import, export and verify. It calls the same use cases as the web.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use bianli_app::App;
use bianli_app::seed::{DEMO_ACCOUNTS, DEMO_DEPARTMENT, DEMO_PASSWORD, HistoryStep, SeedStep};
use bianli_app::spreadsheet;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

// Seeding, decrees and the search index allocate millions of short-lived
// strings from several threads; glibc's allocator spent a sixth of a seed
// consolidating free lists.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
struct BlobsArg {
    /// Where uploaded materials are kept: a folder, file:///PATH,
    /// s3://BUCKET?endpoint=http://HOST:PORT&region=REGION (credentials from
    /// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) or memory: [default: a
    /// bianli-blobs folder next to a SQLite file, else ./bianli-blobs]
    #[arg(long, env = "BIANLI_BLOBS")]
    blobs: Option<String>,
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
        blobs: BlobsArg,
        #[command(flatten)]
        addr: Addr,
    },
    /// Seed the demo data when the database is empty, then serve
    Demo {
        #[command(flatten)]
        cases: CasesArg,
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        blobs: BlobsArg,
        #[command(flatten)]
        addr: Addr,
    },
    /// The power list as a spreadsheet (CSV or Excel, in the columns departments keep)
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// The working-day calendar (holidays and adjusted workdays)
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Check the transparency log: a remote server (--url) or a database (--db)
    Verify {
        /// A server to check from outside, e.g. http://127.0.0.1:8080
        #[arg(long, conflicts_with = "db")]
        url: Option<String>,
        /// Where the remote check keeps the pinned key and the last checkpoint
        #[arg(long, default_value = "bianli-verify.json")]
        state: std::path::PathBuf,
        /// The verifier key to pin (name+keyid+base64); else the state file's, else the server's on first use
        #[arg(long)]
        key: Option<String>,
        /// A database to check offline: every leaf and node recomputed from the events
        #[arg(long)]
        db: Option<String>,
    },
    /// Seed only
    Seed {
        /// Seed Hunan's demo data (divisions, departments, the power list and its history, accounts)
        #[arg(long)]
        demo: bool,
        #[command(flatten)]
        cases: CasesArg,
        #[command(flatten)]
        db: Db,
        #[command(flatten)]
        blobs: BlobsArg,
    },
}

#[derive(clap::Args)]
struct CasesArg {
    /// How many cases the demo's year of history plays through the use cases
    #[arg(long, default_value_t = 100_000)]
    cases: usize,
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// Apply a .csv or .xlsx file as one decree: new codes are added (新增),
    /// existing ones revised (修改). A file with any bad row changes nothing
    /// and every bad row is reported.
    Import {
        /// FILE.csv or FILE.xlsx; the extension says which
        file: std::path::PathBuf,
        /// The decree's document number, e.g. 湘政发〔2026〕1号
        #[arg(long)]
        number: String,
        #[arg(long)]
        title: String,
        /// YYYY-MM-DD
        #[arg(long)]
        issued_on: String,
        /// YYYY-MM-DD (default: the issue date)
        #[arg(long)]
        effective_on: Option<String>,
        #[command(flatten)]
        db: Db,
    },
    /// Write the list in force on a date
    Export {
        /// YYYY-MM-DD
        #[arg(long)]
        as_of: String,
        /// csv or xlsx (default: what --out's extension says, else csv)
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// One division only (GB/T 2260 code)
        #[arg(long)]
        division: Option<String>,
        /// Where to write (default: standard output)
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        #[command(flatten)]
        db: Db,
    },
}

#[derive(Subcommand)]
enum CalendarCommand {
    /// Load a year's schedule (or several) from a CSV file in the columns of
    /// data/cn_holidays.csv (date,kind,name,name_zh). Each year in the file is
    /// replaced whole; a file with any bad row changes nothing and every bad
    /// row is reported.
    Load {
        /// FILE.csv
        file: std::path::PathBuf,
        #[command(flatten)]
        db: Db,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq, Debug)]
enum Format {
    Csv,
    Xlsx,
}

impl From<Format> for spreadsheet::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Csv => spreadsheet::Format::Csv,
            Format::Xlsx => spreadsheet::Format::Xlsx,
        }
    }
}

/// The format a file is imported as, from its extension.
fn import_format(file: &Path) -> Result<spreadsheet::Format> {
    if let Some(f) = spreadsheet::Format::of_path(file) {
        return Ok(f);
    }
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if ext == "xls" {
        anyhow::bail!(
            "{}: an old Excel .xls file; save it as .xlsx (Excel Workbook) and import that",
            file.display()
        );
    }
    anyhow::bail!(
        "{}: import reads .csv or .xlsx files, and the extension says which",
        file.display()
    )
}

/// The format to export in: --format if given, else what --out's extension
/// says, else CSV. A workbook is not written to a terminal or a pipe.
fn export_format(format: Option<Format>, out: Option<&Path>) -> Result<spreadsheet::Format> {
    let by_name = out.and_then(spreadsheet::Format::of_path);
    let format = match (format.map(spreadsheet::Format::from), by_name) {
        (Some(asked), Some(named)) if asked != named => anyhow::bail!(
            "--format {} but --out {} says {}",
            asked.name(),
            out.map(Path::display)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            named.name()
        ),
        (Some(f), _) | (None, Some(f)) => f,
        (None, None) => spreadsheet::Format::Csv,
    };
    if format == spreadsheet::Format::Xlsx && out.is_none() {
        anyhow::bail!("an .xlsx workbook is not written to standard output; give --out FILE.xlsx");
    }
    Ok(format)
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
        Command::Serve { db, blobs, addr } => {
            serve(open_with(&db.db, &blobs, true).await?, addr.addr, false).await
        }
        Command::Demo {
            cases,
            db,
            blobs,
            addr,
        } => {
            let app = open_with(&db.db, &blobs, true).await?;
            if seed(&app, 0).await? && cases.cases > 0 {
                // The year of cases plays while the server is up: the
                // pages and figures fill in as it goes.
                let player = app.clone();
                let n = cases.cases;
                println!(
                    "Playing the demo's year of {n} cases in the background; pages fill in as it goes."
                );
                tokio::spawn(async move {
                    let started = Instant::now();
                    let progress = |step: HistoryStep| {
                        if step.day.to_string().ends_with("-01") {
                            tracing::info!(day = %step.day, cases = step.submitted, of = step.of, "demo history");
                        }
                    };
                    match player.seed_history(n, &progress).await {
                        Ok(done) => tracing::info!(
                            cases = done.cases,
                            steps = done.actions,
                            ratings = done.ratings,
                            refused = done.refused,
                            elapsed = ?started.elapsed(),
                            "the demo's year of cases is in"
                        ),
                        Err(e) => {
                            tracing::error!(error = %e, "playing the demo's year of cases failed")
                        }
                    }
                });
            }
            serve(app, addr.addr, true).await
        }
        Command::Catalog { command } => catalog(command).await,
        Command::Calendar { command } => calendar(command).await,
        Command::Verify {
            url,
            state,
            key,
            db,
        } => verify(url, &state, key.as_deref(), db).await,
        Command::Seed {
            demo,
            cases,
            db,
            blobs,
        } => {
            if !demo {
                anyhow::bail!("say what to seed: `bianli seed --demo`");
            }
            seed(&open_with(&db.db, &blobs, false).await?, cases.cases).await?;
            Ok(())
        }
    }
}

async fn catalog(command: CatalogCommand) -> Result<()> {
    use spreadsheet::ImportOutcome;
    match command {
        CatalogCommand::Import {
            file,
            number,
            title,
            issued_on,
            effective_on,
            db,
        } => {
            let format = import_format(&file)?;
            let data =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let app = open(&db.db).await?;
            let decree = bianli_domain::catalog::DecreeInput {
                number,
                title,
                effective_on: effective_on.unwrap_or_else(|| issued_on.clone()),
                issued_on,
            };
            let actor = bianli_app::Actor::system("cli");
            match app.import(&actor, decree, format, &data).await {
                Ok(ImportOutcome::Applied { codes, applied }) => {
                    println!(
                        "Applied decree {} from {codes} rows: {} versions started, {} ended.",
                        applied.decree_id, applied.started, applied.ended
                    );
                    Ok(())
                }
                Ok(ImportOutcome::Rejected(errors)) => {
                    eprintln!("{} problems; nothing was written:", errors.len());
                    for e in &errors {
                        let at = format!("{} {}", format.row_word(), e.line);
                        if e.column.is_empty() {
                            eprintln!("  {at}: {}", e.reason);
                        } else {
                            eprintln!("  {at}, {}: {}", e.column, e.reason);
                        }
                    }
                    std::process::exit(1);
                }
                Err(e) => Err(anyhow::anyhow!("{e}")),
            }
        }
        CatalogCommand::Export {
            as_of,
            format,
            division,
            out,
            db,
        } => {
            let format = export_format(format, out.as_deref())?;
            let as_of = bianli_app::catalog::parse_date("as_of", &as_of)?;
            let app = open(&db.db).await?;
            let mut sink: Box<dyn std::io::Write> = match &out {
                Some(p) => Box::new(
                    std::fs::File::create(p)
                        .with_context(|| format!("creating {}", p.display()))?,
                ),
                None => Box::new(std::io::stdout().lock()),
            };
            let n = app
                .export(as_of, division.as_deref(), format, &mut sink)
                .await?;
            eprintln!("{n} items in force on {as_of}.");
            Ok(())
        }
    }
}

async fn calendar(command: CalendarCommand) -> Result<()> {
    match command {
        CalendarCommand::Load { file, db } => {
            let data =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let app = open(&db.db).await?;
            let actor = bianli_app::Actor::system("cli");
            match app.load_calendar(&actor, &data).await {
                Ok(loaded) => {
                    let years: Vec<String> = loaded.years.iter().map(ToString::to_string).collect();
                    println!(
                        "Loaded {} special days for {}; the calendar now covers {}.",
                        loaded.special_days,
                        years.join(", "),
                        app.calendar().describe_years()
                    );
                    Ok(())
                }
                Err(bianli_app::AppError::Invalid(inv)) => {
                    eprintln!("{} problems; nothing was written:", inv.0.len());
                    for e in &inv.0 {
                        eprintln!("  {}: {}", e.field, e.reason);
                    }
                    std::process::exit(1);
                }
                Err(e) => Err(anyhow::anyhow!("{e}")),
            }
        }
    }
}

/// A SQLite file's folder, made when missing.
fn create_sqlite_dir(db: &str) -> Result<()> {
    if let Some(path) = db.strip_prefix("sqlite://")
        && let Some(dir) = std::path::Path::new(path).parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    Ok(())
}

/// Opens the database for a one-shot command that neither searches nor
/// touches uploads (its blob store is the default one).
async fn open(db: &str) -> Result<App> {
    create_sqlite_dir(db)?;
    App::open_unindexed(db)
        .await
        .with_context(|| format!("opening {db}"))
}

/// Opens the database and the blob store; `indexed` builds the search
/// index (a server needs it, seeding does not).
async fn open_with(db: &str, blobs: &BlobsArg, indexed: bool) -> Result<App> {
    let blobs = blobs
        .blobs
        .clone()
        .unwrap_or_else(|| bianli_app::default_blobs_url(db));
    create_sqlite_dir(db)?;
    let app = if indexed {
        App::open_with(db, &blobs).await
    } else {
        App::open_unindexed_with(db, &blobs).await
    };
    app.with_context(|| format!("opening {db} with blobs at {blobs}"))
}

/// Seeds an empty database (and plays `cases` of history); false when it
/// had data already.
async fn seed(app: &App, cases: usize) -> Result<bool> {
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
        SeedStep::Appointments { halls, slots } => {
            bar.set_message(format!("{halls} service halls, {slots} appointment slots"))
        }
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
        SeedStep::Indexing => bar.set_message("building the search index"),
        SeedStep::Indexed => bar.set_message("search index built"),
    };
    let seeded = app.seed_demo(&progress).await.context("seeding the demo")?;
    bar.finish_and_clear();
    if seeded {
        println!(
            "Seeded the Hunan demo in {:.1} s.",
            started.elapsed().as_secs_f64()
        );
        if cases > 0 {
            history(app, cases).await?;
        }
    } else {
        println!("The database already has data; nothing seeded.");
    }
    Ok(seeded)
}

/// The demo's year of cases, played through the use cases.
async fn history(app: &App, cases: usize) -> Result<()> {
    let started = Instant::now();
    let bar = ProgressBar::new(cases as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} cases {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |step: HistoryStep| {
        bar.set_position(step.submitted as u64);
        bar.set_message(step.day.to_string());
    };
    let done = app
        .seed_history(cases, &progress)
        .await
        .context("playing the demo's year of cases")?;
    bar.finish_and_clear();
    println!(
        "Played a year of {} cases ({} steps, {} ratings) in {:.1} s.",
        done.cases,
        done.actions,
        done.ratings,
        started.elapsed().as_secs_f64()
    );
    if done.refused > 0 {
        println!(
            "{} scripted steps were refused by the rules (see the log).",
            done.refused
        );
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

/// `bianli verify`: exit status 0 when the log verified, 1 otherwise.
async fn verify(
    url: Option<String>,
    state: &std::path::Path,
    key: Option<&str>,
    db: Option<String>,
) -> anyhow::Result<()> {
    use bianli_app::ledger::verify;
    let verified = match (url, db) {
        (Some(url), _) => verify::verify_remote(&url, state, key).await,
        (None, Some(db)) => {
            let app = App::open_unindexed(&db).await?;
            verify::verify_db(&app).await
        }
        (None, None) => anyhow::bail!("name what to verify: --url http://HOST:PORT or --db URL"),
    };
    match verified {
        Ok(v) => {
            println!("ok: {} entries, root {}", v.size, v.root.to_base64());
            Ok(())
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
