//! Where uploads go: each app's blob store, as the command and the test
//! helper open it.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use bianli_app::blob::BlobId;

use crate::both_dbs;
use crate::helpers::{Db, spawn_app};

async fn the_app_keeps_uploads_in_its_own_folder(db: Db) {
    let t = spawn_app(db).await;
    let content = format!("%PDF-1.7 {} %%EOF", t.db_url).into_bytes();
    let id = t.app.blobs().put(content.clone()).await.expect("put");
    assert_eq!(id, BlobId::of(&content));
    let hex = id.to_string();
    let file = std::path::Path::new(&t.blobs_url)
        .join(&hex[0..2])
        .join(&hex[2..4])
        .join(&hex);
    assert_eq!(std::fs::read(&file).expect("the blob's file"), content);
    let got = t.app.blobs().get(&id).await.expect("get");
    assert_eq!(got.as_deref(), Some(&content[..]));
}
both_dbs!(own_folder, the_app_keeps_uploads_in_its_own_folder);

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("bianli-blobs-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn serve_keeps_blobs_next_to_its_sqlite_file_by_default() {
    let dir = temp_dir("default");
    let db = format!("sqlite://{}/bianli.db", dir.display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_bianli"))
        .args(["serve", "--db", &db, "--addr", "127.0.0.1:0"])
        .env_remove("BIANLI_BLOBS")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("run bianli serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut first = String::new();
    let read = BufReader::new(stdout).read_line(&mut first);
    let _ = child.kill();
    let _ = child.wait();
    read.expect("read stdout");
    assert!(first.contains("is running at"), "{first}");
    assert!(
        dir.join("bianli-blobs").is_dir(),
        "no bianli-blobs beside the database"
    );
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn a_bad_blob_store_url_stops_the_server_with_a_reason() {
    let dir = temp_dir("bad");
    let db = format!("sqlite://{}/bianli.db", dir.display());
    for (flag, env, says) in [
        (Some("ftp://host/blobs"), None, "unknown scheme \"ftp\""),
        (
            None,
            Some("s3://b?endpoint=localhost:9000"),
            "http://HOST:PORT",
        ),
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_bianli"));
        cmd.args(["serve", "--db", &db, "--addr", "127.0.0.1:0"])
            .env_remove("BIANLI_BLOBS")
            .env("RUST_LOG", "warn");
        if let Some(url) = flag {
            cmd.args(["--blobs", url]);
        }
        if let Some(url) = env {
            cmd.env("BIANLI_BLOBS", url);
        }
        let o = cmd.output().expect("run bianli serve");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "served with {flag:?} {env:?}");
        assert!(err.contains(says), "{err}");
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
}
