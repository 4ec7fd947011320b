use bianli_app::Actor;
use bianli_app::spreadsheet::ImportOutcome;
use bianli_domain::catalog::DecreeInput;
use chrono::NaiveDate;

use crate::both_dbs;
use crate::helpers::{Db, spawn_app};

fn decree(n: u32) -> DecreeInput {
    DecreeInput {
        number: format!("芙政发〔2026〕{n}号"),
        title: "芙蓉区行政权力事项调整".into(),
        issued_on: "2026-01-05".into(),
        effective_on: "2026-01-06".into(),
    }
}

async fn a_spreadsheet_round_trips_and_bad_rows_change_nothing(db: Db) {
    let t = spawn_app(db).await;
    let today = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let mut out = Vec::new();
    let n = t
        .app
        .export_csv(today, Some("430102"), &mut out)
        .await
        .expect("export");
    assert!(n > 1500, "{n} items");
    let text = String::from_utf8(out).expect("utf-8");
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    assert!(lines[0].starts_with("事项编码,事项名称,俗称"));
    let actor = Actor::system("test");

    // Three rows: one good, one with a bad kind and visits, one with an unknown department.
    let good = lines[1].clone();
    let mut bad_kind: Vec<String> = lines[2].split(',').map(str::to_string).collect();
    bad_kind[3] = "许可".into();
    bad_kind[10] = "3".into();
    let mut bad_dept: Vec<String> = lines[3].split(',').map(str::to_string).collect();
    bad_dept[4] = "不存在的局".into();
    let file = [
        lines[0].clone(),
        good.clone(),
        bad_kind.join(","),
        bad_dept.join(","),
    ]
    .join("\n");
    let before = t.event_count().await;
    let outcome = t
        .app
        .import_csv(&actor, decree(1), file.as_bytes())
        .await
        .expect("import");
    let ImportOutcome::Rejected(errors) = outcome else {
        panic!("a file with bad rows was applied")
    };
    let cells: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column.as_str())).collect();
    assert!(cells.contains(&(3, "事项类型")), "{errors:?}");
    assert!(cells.contains(&(3, "到现场次数")), "{errors:?}");
    assert!(cells.contains(&(4, "实施部门")), "{errors:?}");
    assert!(
        !cells.iter().any(|(l, _)| *l == 2),
        "the good row was blamed: {errors:?}"
    );
    assert_eq!(
        t.event_count().await,
        before,
        "a rejected file wrote something"
    );

    // The export imported back as a revision: each row becomes a new version.
    lines.truncate(4);
    let outcome = t
        .app
        .import_csv(&actor, decree(2), lines.join("\n").as_bytes())
        .await
        .expect("import");
    let ImportOutcome::Applied { codes, applied } = outcome else {
        panic!("a clean export was rejected")
    };
    assert_eq!(codes, 3);
    assert_eq!(applied.started, 3);
    let code = good.split(',').next().expect("code");
    let item = t.app.item(code).await.expect("item");
    assert_eq!(item.history.len(), 2);
    assert_eq!(
        item.current.valid_from,
        NaiveDate::from_ymd_opt(2026, 1, 6).expect("date")
    );
}
both_dbs!(
    spreadsheet,
    a_spreadsheet_round_trips_and_bad_rows_change_nothing
);
