//! Which blob store an app uses when its configuration does not say.

/// The blob store beside a database: a `bianli-blobs` folder next to a
/// SQLite file (so the two are backed up and moved together), `memory:`
/// for an in-memory SQLite database (both vanish together), and
/// `./bianli-blobs` for a server database, which has no folder of its own.
pub fn default_blobs_url(db_url: &str) -> String {
    const FOLDER: &str = "bianli-blobs";
    let Some(rest) = db_url
        .strip_prefix("sqlite://")
        .or_else(|| db_url.strip_prefix("sqlite:"))
    else {
        return FOLDER.to_string();
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path == ":memory:" || path.is_empty() || query.split('&').any(|kv| kv == "mode=memory") {
        return "memory:".to_string();
    }
    match std::path::Path::new(path).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(FOLDER).display().to_string(),
        _ => FOLDER.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_live_beside_the_database() {
        for (db, blobs) in [
            ("sqlite://bianli.db", "bianli-blobs"),
            ("sqlite:bianli.db?mode=rwc", "bianli-blobs"),
            ("sqlite://data/bianli.db", "data/bianli-blobs"),
            (
                "sqlite:///var/lib/bianli/bianli.db",
                "/var/lib/bianli/bianli-blobs",
            ),
            ("sqlite::memory:", "memory:"),
            ("sqlite://shared.db?mode=memory&cache=shared", "memory:"),
            ("postgres://bianli@db.example/bianli", "bianli-blobs"),
        ] {
            assert_eq!(default_blobs_url(db), blobs, "{db}");
        }
    }
}
