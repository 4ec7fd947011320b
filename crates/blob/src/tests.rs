//! One story run on every back end (memory, a local folder, a real
//! S3-compatible server), plus what only a folder can show.

use std::time::Duration;

use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload};

use crate::{BlobError, BlobId, Blobs, Bytes};

fn random_bytes(n: usize) -> Vec<u8> {
    let mut v = vec![0u8; n];
    getrandom::fill(&mut v).expect("randomness");
    v
}

/// Writes raw bytes under a blob's key, as a damaged disk or an intruder
/// with access to the bucket would.
async fn overwrite(blobs: &Blobs, id: &BlobId, bytes: Vec<u8>) {
    blobs
        .store
        .put(&Path::from(id.key()), PutPayload::from(bytes))
        .await
        .expect("raw put");
}

/// What every back end must do. Content is random so runs against a shared
/// server never see each other's blobs.
async fn story(blobs: &Blobs) {
    // Put, then get back the same bytes under their SHA-256.
    let content = random_bytes(300 * 1024 + 7);
    let id = blobs.put(content.clone()).await.expect("put");
    assert_eq!(id, BlobId::of(&content));
    let got = blobs.get(&id).await.expect("get");
    assert_eq!(got.as_deref(), Some(&content[..]));
    assert!(blobs.contains(&id).await.expect("contains"));

    // The same content again is not written again: the stored object keeps
    // its modification time and tag (the pause outlasts S3's one-second
    // Last-Modified resolution).
    let key = Path::from(id.key());
    let before = blobs.store.head(&key).await.expect("head");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        blobs
            .put(Bytes::from(content.clone()))
            .await
            .expect("put again"),
        id
    );
    let after = blobs.store.head(&key).await.expect("head");
    assert_eq!(
        (before.last_modified, &before.e_tag),
        (after.last_modified, &after.e_tag),
        "the second put rewrote the object"
    );

    // Small and empty contents are blobs like any other.
    for small in [Vec::new(), b"%PDF-1.7".to_vec()] {
        let id = blobs.put(small.clone()).await.expect("put small");
        assert_eq!(
            blobs.get(&id).await.expect("get small").as_deref(),
            Some(&small[..])
        );
    }

    // Nothing under an id: None, not an error.
    let absent = BlobId::of(&random_bytes(32));
    assert_eq!(blobs.get(&absent).await.expect("get absent"), None);
    assert!(!blobs.contains(&absent).await.expect("contains absent"));

    // Tampered content of the same size is refused, with both hashes named.
    let mut tampered = content.clone();
    tampered[1000] ^= 0x01;
    overwrite(blobs, &id, tampered.clone()).await;
    match blobs.get(&id).await {
        Err(BlobError::Corrupt {
            id: named,
            actual,
            len,
        }) => {
            assert_eq!(named, id);
            assert_eq!(actual, BlobId::of(&tampered));
            assert_eq!(len, content.len());
        }
        other => panic!(
            "tampered blob served: {:?}",
            other.map(|b| b.map(|b| b.len()))
        ),
    }

    // A copy cut short (the wrong size) is refused, and putting the content
    // again replaces it.
    overwrite(blobs, &id, content[..content.len() / 2].to_vec()).await;
    assert!(matches!(
        blobs.get(&id).await,
        Err(BlobError::Corrupt { .. })
    ));
    assert_eq!(blobs.put(content.clone()).await.expect("repair"), id);
    assert_eq!(
        blobs.get(&id).await.expect("get repaired").as_deref(),
        Some(&content[..])
    );
}

#[tokio::test]
async fn memory_store() {
    let blobs = Blobs::open("memory:").await.expect("open");
    assert_eq!(blobs.describe(), "memory");
    story(&blobs).await;
}

fn temp_folder(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "bianli-blob-{name}-{}-{}",
        std::process::id(),
        hex::encode(random_bytes(4))
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test]
async fn folder_store() {
    let dir = temp_folder("story");
    // A file URL; the folder does not exist yet.
    let blobs = Blobs::open(&format!("file://{}", dir.display()))
        .await
        .expect("open");
    story(&blobs).await;
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[tokio::test]
async fn folder_layout_fans_out_and_survives_a_reopen() {
    let dir = temp_folder("layout");
    let blobs = Blobs::open(&dir.display().to_string()).await.expect("open");
    let content = b"%PDF-1.7 a receipt".to_vec();
    let id = blobs.put(content.clone()).await.expect("put");
    let hex = id.to_string();
    let file = dir.join(&hex[0..2]).join(&hex[2..4]).join(&hex);
    assert_eq!(std::fs::read(&file).expect("blob file"), content);

    // Another process (another Blobs on the same folder) sees it.
    drop(blobs);
    let again = Blobs::open(&dir.display().to_string())
        .await
        .expect("reopen");
    assert_eq!(
        again.get(&id).await.expect("get").as_deref(),
        Some(&content[..])
    );

    // Damage on disk is caught on read.
    std::fs::write(&file, b"%PDF-1.7 a forgery!").expect("tamper");
    assert!(matches!(
        again.get(&id).await,
        Err(BlobError::Corrupt { .. })
    ));
    std::fs::remove_dir_all(&dir).expect("clean up");
}

/// A crash mid-write leaves at most a staging file beside the target, never
/// a partial blob under its name; readers racing writers of the same content
/// see nothing or all of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folder_writes_are_staged_then_renamed() {
    let dir = temp_folder("atomic");
    let blobs = std::sync::Arc::new(Blobs::open(&dir.display().to_string()).await.expect("open"));
    let content = Bytes::from(random_bytes(8 * 1024 * 1024));
    let id = BlobId::of(&content);
    let hex = id.to_string();
    let folder = dir.join(&hex[0..2]).join(&hex[2..4]);

    // What a crash half-way through a write leaves: a staging file with
    // part of the content. It is not the blob.
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(folder.join(format!("{hex}#1")), &content[..1024]).expect("staging file");
    assert_eq!(blobs.get(&id).await.expect("get"), None);
    assert!(!blobs.contains(&id).await.expect("contains"));

    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (b, c) = (blobs.clone(), content.clone());
        tasks.push(tokio::spawn(async move { b.put(c).await.map(|_| ()) }));
        let b = blobs.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..20 {
                // Never a partial (corrupt) read while writes are under way.
                b.get(&id).await?;
                tokio::task::yield_now().await;
            }
            Ok(())
        }));
    }
    for t in tasks {
        t.await
            .expect("task")
            .expect("no reader saw a partial blob");
    }
    assert_eq!(
        blobs.get(&id).await.expect("get").as_deref(),
        Some(&content[..])
    );

    // Our writes left no staging files behind; only the crash's remains.
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [hex.clone(), format!("{hex}#1")]);
    std::fs::remove_dir_all(&dir).expect("clean up");
}

/// The S3 URL under test, with a fresh key prefix so runs do not meet.
fn s3_url(prefix: &str) -> String {
    let Ok(base) = std::env::var("BIANLI_TEST_S3") else {
        panic!(
            "BIANLI_TEST_S3 is not set: the S3 back end is tested against a real \
             S3-compatible server. Run scripts/test (it installs and starts moto), or: \
             pip install 'moto[server]'; moto_server -p 5055 & \
             then export BIANLI_TEST_S3='s3://bianli-test?endpoint=http://127.0.0.1:5055&region=us-east-1' \
             AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test (the bucket must exist)"
        )
    };
    // Without credentials the AWS client asks the cloud's instance-metadata
    // address for some, which no test may reach.
    assert!(
        std::env::var_os("AWS_ACCESS_KEY_ID").is_some()
            && std::env::var_os("AWS_SECRET_ACCESS_KEY").is_some(),
        "BIANLI_TEST_S3 is set but AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not \
         (any values do for a local test server)"
    );
    let mut url = url::Url::parse(&base).expect("BIANLI_TEST_S3 is a URL");
    url.set_path(&format!("/{prefix}-{}", hex::encode(random_bytes(6))));
    url.to_string()
}

#[tokio::test]
async fn s3_store() {
    let url = s3_url("story");
    let blobs = Blobs::open(&url).await.expect("open the S3 test bucket");
    assert!(
        blobs.describe().starts_with("s3://"),
        "{}",
        blobs.describe()
    );
    story(&blobs).await;
}

#[tokio::test]
async fn s3_store_without_its_bucket_fails_at_open() {
    let mut url = url::Url::parse(&s3_url("missing")).expect("url");
    url.set_host(Some(&format!(
        "no-such-bucket-{}",
        hex::encode(random_bytes(4))
    )))
    .expect("host");
    match Blobs::open(url.as_str()).await {
        Err(BlobError::Config { reason, .. }) => {
            assert!(reason.contains("does not answer"), "{reason}")
        }
        other => panic!("opened a missing bucket: {other:?}"),
    }
}
