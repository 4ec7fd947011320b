//! The transparency log from outside: a verifier written here from the
//! RFCs, sharing no code with the server (only HTTP, SHA-256, Ed25519,
//! base64 and JSON), checks signatures, roots and proofs; `bianli verify`'s
//! logic catches tampering done with plain SQL.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::both_dbs;
use crate::cases::{apply_online, at, food_licence};
use crate::helpers::{TestApp, spawn_app};
use bianli_app::ledger::verify::{VerifyError, verify_db, verify_remote};

// ---- the outsider: RFC 9162 §2.1 and C2SP signed-note, from scratch -----

pub(crate) type H = [u8; 32];

fn sha(parts: &[&[u8]]) -> H {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

pub(crate) fn leaf_h(bytes: &[u8]) -> H {
    sha(&[&[0], bytes])
}

fn node_h(l: &H, r: &H) -> H {
    sha(&[&[1], l, r])
}

fn mth(leaves: &[H]) -> H {
    match leaves.len() {
        0 => sha(&[]),
        1 => leaves[0],
        n => {
            let k = n.next_power_of_two() / 2;
            node_h(&mth(&leaves[..k]), &mth(&leaves[k..]))
        }
    }
}

pub(crate) struct Key {
    name: String,
    id: [u8; 4],
    key: VerifyingKey,
}

pub(crate) fn parse_key(text: &str) -> Key {
    let mut parts = text.trim().splitn(3, '+');
    let name = parts.next().expect("name").to_string();
    let id = hex_id(parts.next().expect("key id"));
    let raw = STANDARD
        .decode(parts.next().expect("key"))
        .expect("base64 key");
    assert_eq!(raw.len(), 33);
    assert_eq!(raw[0], 1, "Ed25519 algorithm byte");
    let computed = sha(&[name.as_bytes(), b"\n", &raw]);
    assert_eq!(
        computed[..4],
        id,
        "key id = SHA-256(name ‖ \\n ‖ 0x01 ‖ key)[:4]"
    );
    let key = VerifyingKey::from_bytes(raw[1..].try_into().expect("32 bytes")).expect("key");
    Key { name, id, key }
}

fn hex_id(s: &str) -> [u8; 4] {
    let mut id = [0u8; 4];
    for (i, b) in id.iter_mut().enumerate() {
        *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex");
    }
    id
}

/// Opens a signed checkpoint: (origin, size, root).
pub(crate) fn open_checkpoint(note: &str, key: &Key) -> (String, u64, H) {
    let (text, sigs) = note.split_at(note.rfind("\n\n").expect("blank line") + 1);
    let mut ok = false;
    for line in sigs.lines().filter(|l| !l.is_empty()) {
        let rest = line.strip_prefix("— ").expect("signature line");
        let (name, b64) = rest.split_once(' ').expect("name and signature");
        let raw = STANDARD.decode(b64).expect("base64 signature");
        if name == key.name && raw[..4] == key.id {
            let sig = Signature::from_slice(&raw[4..]).expect("signature");
            key.key
                .verify(text.as_bytes(), &sig)
                .expect("signature verifies");
            ok = true;
        }
    }
    assert!(ok, "no signature by the key");
    let mut lines = text.lines();
    let origin = lines.next().expect("origin").to_string();
    let size = lines.next().expect("size").parse().expect("decimal size");
    let root = STANDARD
        .decode(lines.next().expect("root"))
        .expect("base64 root");
    (origin, size, root.try_into().expect("32 bytes"))
}

/// RFC 9162 §2.1.3.2.
pub(crate) fn verify_inclusion(index: u64, size: u64, leaf: H, proof: &[H], root: H) -> bool {
    if index >= size {
        return false;
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = leaf;
    for p in proof {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_h(p, &r);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            r = node_h(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    s_n == 0 && r == root
}

/// RFC 9162 §2.1.4.2.
fn verify_consistency(first: u64, second: u64, first_root: H, second_root: H, proof: &[H]) -> bool {
    if first == second {
        return proof.is_empty() && first_root == second_root;
    }
    if first == 0 || first > second || proof.is_empty() {
        return false;
    }
    let mut path = proof.to_vec();
    if first.is_power_of_two() {
        path.insert(0, first_root);
    }
    let (mut f_n, mut s_n) = (first - 1, second - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut fr, mut sr) = (path[0], path[0]);
    for c in &path[1..] {
        if s_n == 0 {
            return false;
        }
        if f_n & 1 == 1 || f_n == s_n {
            fr = node_h(c, &fr);
            sr = node_h(c, &sr);
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        } else {
            sr = node_h(&sr, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    fr == first_root && sr == second_root && s_n == 0
}

pub(crate) async fn text(t: &TestApp, path: &str) -> String {
    let r = t.get(path).await;
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.text().await.expect("text")
}

pub(crate) fn hashes(v: &Value) -> Vec<H> {
    v["hashes"]
        .as_array()
        .expect("hashes")
        .iter()
        .map(|h| {
            STANDARD
                .decode(h.as_str().expect("string"))
                .expect("base64")
                .try_into()
                .expect("32 bytes")
        })
        .collect()
}

/// Polls until a checkpoint covers every event; returns (size, root, note).
pub(crate) async fn caught_up(t: &TestApp, key: &Key) -> (u64, H) {
    let want = t.event_count().await as u64;
    for _ in 0..300 {
        let r = t.get("/api/v1/ledger/checkpoint").await;
        if r.status().is_success() {
            let (origin, size, root) = open_checkpoint(&r.text().await.expect("note"), key);
            assert_eq!(origin, key.name);
            if size == want {
                return (size, root);
            }
            assert!(size < want, "more leaves ({size}) than events ({want})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the ledger did not catch up with {want} events");
}

/// Every entry, checked against its own JSON; returns the leaf hashes.
pub(crate) async fn all_leaves(t: &TestApp, size: u64) -> (Vec<H>, Vec<Value>) {
    let (mut leaves, mut jsons) = (Vec::new(), Vec::new());
    let mut start = 0;
    while start < size {
        let end = (start + 1000).min(size);
        let page = t
            .get_json(&format!("/api/v1/ledger/entries?start={start}&end={end}"))
            .await;
        for e in page["entries"].as_array().expect("entries") {
            let bytes = STANDARD
                .decode(e["leaf"].as_str().expect("leaf"))
                .expect("b64");
            let parsed: Value = serde_json::from_slice(&bytes).expect("leaf is JSON");
            assert_eq!(parsed, e["json"]);
            leaves.push(leaf_h(&bytes));
            jsons.push(parsed);
        }
        start = end;
    }
    assert_eq!(leaves.len() as u64, size);
    (leaves, jsons)
}

async fn outsider_check(db: crate::helpers::Db) {
    let t = spawn_app(db).await;
    let key = parse_key(&text(&t, "/api/v1/ledger/key").await);
    let (size1, root1) = caught_up(&t, &key).await;
    let (leaves, jsons) = all_leaves(&t, size1).await;
    assert_eq!(mth(&leaves), root1, "recomputed root = checkpoint root");
    // One leaf per event, in sequence order, none twice.
    let seqs: Vec<i64> = jsons
        .iter()
        .map(|j| j["seq"].as_i64().expect("seq"))
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]));

    // More activity: an application, then a second checkpoint.
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let enterprise = t.login("enterprise").await;
    let receipt = apply_online(&t, &enterprise, &item).await;
    let number = receipt["number"].as_str().expect("number");
    let (size2, root2) = caught_up(&t, &key).await;
    assert!(size2 > size1);
    let (leaves2, jsons2) = all_leaves(&t, size2).await;
    assert_eq!(mth(&leaves2), root2);
    assert_eq!(leaves2[..size1 as usize], leaves[..]);

    for index in [0, size1 / 2, size1 - 1, size2 - 1] {
        let p = t
            .get_json(&format!(
                "/api/v1/ledger/proof/inclusion?index={index}&size={size2}"
            ))
            .await;
        assert!(verify_inclusion(
            index,
            size2,
            leaves2[index as usize],
            &hashes(&p),
            root2
        ));
        assert!(!verify_inclusion(
            index,
            size2,
            leaf_h(b"forged"),
            &hashes(&p),
            root2
        ));
    }
    let p = t
        .get_json(&format!(
            "/api/v1/ledger/proof/consistency?from={size1}&to={size2}"
        ))
        .await;
    assert!(verify_consistency(size1, size2, root1, root2, &hashes(&p)));
    assert!(!verify_consistency(size1, size2, root2, root2, &hashes(&p)));

    // Privacy: the submission's leaf names no person; the applicant opens
    // its commitment with the receipt's secret and the case's own data.
    let leaf = jsons2
        .iter()
        .find(|j| j["kind"] == "case.submitted" && j["subject"] == format!("case:{number}"))
        .expect("the submission's leaf");
    assert_eq!(leaf["actor"], "applicant");
    let case = t
        .client
        .get(format!("{}/api/v1/cases/{number}", t.url))
        .bearer_auth(&enterprise)
        .send()
        .await
        .expect("case")
        .json::<Value>()
        .await
        .expect("json");
    let secret = receipt["ledger_secret"]
        .as_str()
        .expect("receipt's ledger secret");
    assert_eq!(case["ledger_secret"], secret);
    let seq = leaf["seq"].as_i64().expect("seq");
    let salt = &sha(&[
        b"bianli-ledger-salt",
        secret.as_bytes(),
        seq.to_string().as_bytes(),
    ])[..16];
    let private = json!({
        "actor": case["timeline"][0]["by"],
        "payload": {
            "item": case["item"], "division": case["division"],
            "channel": case["channel"], "received_on": case["received_on"],
        },
    });
    // RFC 8785 for this shape: keys sorted, no spaces (serde_json's map is sorted).
    let canonical = serde_json::to_string(&private).expect("json");
    let commitment: String = sha(&[salt, canonical.as_bytes()])
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(leaf["commitment"], commitment.as_str());
    let whole = serde_json::to_string(&jsons2).expect("json");
    let applicant = &case["applicant"];
    for field in ["name", "id_number", "uscc"] {
        if let Some(s) = applicant[field].as_str().filter(|s| !s.is_empty()) {
            assert!(!whole.contains(s), "the log shows the applicant's {field}");
        }
    }
    if let Some(phone) = case["form"]["phone"].as_str() {
        assert!(!whole.contains(phone));
    }

    // Bad parameters name the field and change nothing.
    for (path, field) in [
        (
            format!("/api/v1/ledger/proof/inclusion?index={size2}&size={size2}"),
            "index",
        ),
        (
            format!("/api/v1/ledger/proof/inclusion?index=0&size={}", size2 + 1),
            "size",
        ),
        (
            format!("/api/v1/ledger/proof/consistency?from={size2}&to={size1}"),
            "from",
        ),
        ("/api/v1/ledger/entries?start=0&end=5000".to_string(), "end"),
        ("/api/v1/ledger/entries?start=x&end=1".to_string(), "start"),
    ] {
        crate::helpers::assert_problem(
            t.get(&path).await,
            reqwest::StatusCode::UNPROCESSABLE_ENTITY,
            field,
        )
        .await;
    }
    // The public page names the algorithms and shows the key and checkpoint.
    let page = text(&t, "/ledger").await;
    for needle in [
        "RFC 8785",
        "RFC 9162 §2.1",
        "C2SP tlog-checkpoint",
        "C2SP signed-note",
        "Ed25519",
        "bianli verify",
    ] {
        assert!(page.contains(needle), "the page names {needle}");
    }
    let key_text = text(&t, "/api/v1/ledger/key").await;
    assert!(page.contains(key_text.trim()));
    let note = text(&t, "/api/v1/ledger/checkpoint").await;
    let root_line = note.lines().nth(2).expect("root line");
    assert!(page.contains(root_line.replace('+', "&#43;").as_str()) || page.contains(root_line));
    assert!(
        text(&t, "/").await.contains("href=\"/ledger\""),
        "linked from every page"
    );
}
both_dbs!(outsider_check, outsider_check);

/// Runs SQL on the test's own database, as an attacker with access would.
pub(crate) async fn sql(t: &TestApp, statements: &[&str]) {
    if t.db_url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&t.db_url).await.expect("sqlite");
        for s in statements {
            sqlx::query(sqlx::AssertSqlSafe(*s))
                .execute(&pool)
                .await
                .expect(s);
        }
    } else {
        let pool = sqlx::PgPool::connect(&t.db_url).await.expect("postgres");
        for s in statements {
            sqlx::query(sqlx::AssertSqlSafe(*s))
                .execute(&pool)
                .await
                .expect(s);
        }
    }
}

fn tampered(r: Result<bianli_app::ledger::verify::Verified, VerifyError>, what: &str) -> String {
    match r {
        Err(VerifyError::Tampered(why)) => why,
        other => panic!("{what}: expected tampering to be found, got {other:?}"),
    }
}

async fn tampering_found(db: crate::helpers::Db) {
    let t = spawn_app(db).await;
    let key = parse_key(&text(&t, "/api/v1/ledger/key").await);
    at(&t, "2026-11-02");
    let item = food_licence(&t).await;
    let enterprise = t.login("enterprise").await;
    apply_online(&t, &enterprise, &item).await;
    apply_online(&t, &enterprise, &item).await;
    let (size, _) = caught_up(&t, &key).await;
    assert!(verify_db(&t.app).await.is_ok(), "an untouched log verifies");
    let state = std::env::temp_dir().join(format!(
        "bianli-verify-{}.json",
        t.url.replace([':', '/', '.'], "_")
    ));
    let _ = std::fs::remove_file(&state);
    let first = verify_remote(&t.url, &state, None)
        .await
        .expect("remote verifies");
    assert_eq!(first.size, size);

    let (_, jsons) = all_leaves(&t, size).await;
    let seq_at = |i: usize| jsons[i]["seq"].as_i64().expect("seq");
    let mid = size as usize / 2;
    let (a, b) = (seq_at(mid), seq_at(mid + 1));
    sql(&t, &["CREATE TABLE events_backup AS SELECT * FROM events"]).await;
    let restore = [
        "DELETE FROM events",
        "INSERT INTO events SELECT * FROM events_backup",
    ];

    // Edit one event's payload.
    let edit = format!("UPDATE events SET payload = '{{\"forged\":true}}' WHERE seq = {a}");
    sql(&t, &[&edit]).await;
    let why = tampered(verify_db(&t.app).await, "an edited event");
    assert!(why.starts_with(&format!("entry {mid}:")), "{why}");
    sql(&t, &restore).await;
    assert!(verify_db(&t.app).await.is_ok(), "restored");

    // Delete one.
    sql(&t, &[&format!("DELETE FROM events WHERE seq = {a}")]).await;
    let why = tampered(verify_db(&t.app).await, "a deleted event");
    assert!(why.starts_with(&format!("entry {mid}:")), "{why}");
    sql(&t, &restore).await;

    // Reorder two: swap their kinds and payloads.
    sql(&t, &[
        &format!("UPDATE events SET kind = (SELECT kind FROM events_backup WHERE seq = {b}), payload = (SELECT payload FROM events_backup WHERE seq = {b}) WHERE seq = {a}"),
        &format!("UPDATE events SET kind = (SELECT kind FROM events_backup WHERE seq = {a}), payload = (SELECT payload FROM events_backup WHERE seq = {a}) WHERE seq = {b}"),
    ]).await;
    let why = tampered(verify_db(&t.app).await, "two events swapped");
    assert!(why.starts_with(&format!("entry {mid}:")), "{why}");
    sql(&t, &restore).await;
    assert!(verify_db(&t.app).await.is_ok(), "restored");

    // Truncate the tail: the last two events, their leaves and nodes, the head reset.
    let keep = size - 2;
    let (_, kept) = all_leaves(&t, keep).await;
    let (_, root_at_keep) = {
        let leaves: Vec<H> = all_leaves(&t, keep).await.0;
        (keep, mth(&leaves))
    };
    let last_kept = kept.last().expect("kept")["seq"].as_i64().expect("seq");
    let root_literal = if t.db_url.starts_with("sqlite:") {
        format!(
            "X'{}'",
            root_at_keep
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        )
    } else {
        format!(
            "'\\x{}'",
            root_at_keep
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        )
    };
    sql(&t, &[
        &format!("DELETE FROM events WHERE seq > {last_kept}"),
        &format!("DELETE FROM ledger_leaves WHERE idx >= {keep}"),
        &format!("DELETE FROM ledger_nodes WHERE (idx + 1) * (1 << level) > {keep}"),
        &format!("UPDATE ledger_head SET size = {keep}, root = {root_literal}, last_seq = {last_kept}"),
    ]).await;
    let why = tampered(verify_db(&t.app).await, "a truncated tail");
    assert!(why.contains("removed"), "{why}");
    // Hiding it from the database check too (dropping the checkpoints) is
    // still caught by the remote verifier's saved state.
    sql(
        &t,
        &[&format!(
            "DELETE FROM ledger_checkpoints WHERE size > {keep}"
        )],
    )
    .await;
    for _ in 0..100 {
        let note = text(&t, "/api/v1/ledger/checkpoint").await;
        if open_checkpoint(&note, &key).1 == keep {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let why = tampered(
        verify_remote(&t.url, &state, None).await,
        "a truncated tail, remotely",
    );
    assert!(why.contains("shrank"), "{why}");
    let _ = std::fs::remove_file(&state);
}
both_dbs!(tampering_found, tampering_found);

/// Two servers on one PostgreSQL database, both writing and both following:
/// still one linear log, every event once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_servers_one_log() {
    let t = spawn_app(crate::helpers::Db::Postgres).await;
    let app2 = bianli_app::App::open_with(&t.db_url, &t.blobs_url)
        .await
        .expect("second server");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url2 = format!("http://{}", listener.local_addr().expect("addr"));
    let served = app2.clone();
    tokio::spawn(async move {
        let _ = bianli_web::serve(served, listener).await;
    });
    let t2 = TestApp {
        url: url2,
        db_url: t.db_url.clone(),
        blobs_url: t.blobs_url.clone(),
        client: reqwest::Client::new(),
        app: app2,
    };
    at(&t, "2026-11-02");
    at(&t2, "2026-11-02");
    let item = food_licence(&t).await;
    let (e1, e2) = (t.login("enterprise").await, t2.login("enterprise").await);
    let one = async {
        for _ in 0..6 {
            apply_online(&t, &e1, &item).await;
        }
    };
    let two = async {
        for _ in 0..6 {
            apply_online(&t2, &e2, &item).await;
        }
    };
    tokio::join!(one, two);
    let key = parse_key(&text(&t2, "/api/v1/ledger/key").await);
    assert_eq!(
        text(&t, "/api/v1/ledger/key").await,
        text(&t2, "/api/v1/ledger/key").await
    );
    let (size, root) = caught_up(&t, &key).await;
    let (leaves, jsons) = all_leaves(&t2, size).await;
    assert_eq!(mth(&leaves), root);
    let seqs: Vec<i64> = jsons
        .iter()
        .map(|j| j["seq"].as_i64().expect("seq"))
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[0] < w[1]),
        "every event once, in order"
    );
    assert_eq!(seqs.len(), t.event_count().await);
    assert!(verify_db(&t.app).await.is_ok());
}

/// A backlog of more than two rounds, caught up by two servers at once:
/// rounds are pipelined (the next built while this one is written), the
/// server that loses a race stops, and the log still holds every event
/// once, in order, under a signed checkpoint of its whole size.
async fn backlog_caught_up_in_pipelined_rounds(db: crate::helpers::Db) {
    let t = spawn_app(db).await;
    t.app.ledger_catch_up().await.expect("catch up");
    // Written straight into `events` as any writer leaves them: the
    // follower reads nothing else.
    sql(
        &t,
        &[
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25001) \
         INSERT INTO events (at, context, kind, subject, actor, payload, public_actor) \
         SELECT '2026-11-02T01:00:00+00:00', 'oversight', 'backlog.noted', 'backlog:' || i, \
         'system', '{}', 'system' FROM n",
        ],
    )
    .await;
    let app2 = bianli_app::App::open_with(&t.db_url, &t.blobs_url)
        .await
        .expect("second server");
    let (one, two) = tokio::join!(t.app.ledger_catch_up(), app2.ledger_catch_up());
    one.expect("first server");
    two.expect("second server");
    let events = t.event_count().await as u64;
    assert!(events > 25_000, "{events}");
    let head = t
        .app
        .store()
        .ledger_head()
        .await
        .expect("head")
        .expect("a head");
    assert_eq!(head.size, events, "one call catches up the whole backlog");
    let verified = verify_db(&t.app).await.expect("the log matches the events");
    assert_eq!(verified.size, events);
    let checkpoint = t
        .app
        .store()
        .ledger_latest_checkpoint()
        .await
        .expect("checkpoint")
        .expect("a checkpoint");
    assert_eq!(checkpoint.size, events);
}
both_dbs!(
    backlog_caught_up_in_pipelined_rounds,
    backlog_caught_up_in_pipelined_rounds
);
