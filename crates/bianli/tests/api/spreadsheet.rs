use std::io::Cursor;
use std::process::{Command, Output};

use bianli_app::spreadsheet::{Format, ImportOutcome, RowError};
use bianli_app::{Actor, AppError};
use bianli_domain::catalog::DecreeInput;
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use crate::both_dbs;
use crate::helpers::{Db, TestApp, spawn_app};

fn decree(n: u32) -> DecreeInput {
    DecreeInput {
        number: format!("芙政发〔2026〕{n}号"),
        title: "芙蓉区行政权力事项调整".into(),
        issued_on: "2026-01-05".into(),
        effective_on: "2026-01-06".into(),
    }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

async fn export(t: &TestApp, as_of: &str, format: Format) -> (usize, Vec<u8>) {
    let mut out = Vec::new();
    let n = t
        .app
        .export(date(as_of), Some("430102"), format, &mut out)
        .await
        .expect("export");
    (n, out)
}

/// The first sheet's cells, each as Excel would show it.
fn sheet(data: &[u8]) -> (String, Vec<Vec<Data>>) {
    let mut book = Xlsx::new(Cursor::new(data)).expect("an xlsx");
    let name = book.sheet_names().first().cloned().expect("a sheet");
    let range = book.worksheet_range(&name).expect("the sheet");
    (name, range.rows().map(<[Data]>::to_vec).collect())
}

fn as_text(rows: &[Vec<Data>]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(Data::to_string).collect())
        .collect()
}

/// A workbook as a department might type it: each row a list of cells.
fn workbook(rows: &[Vec<Data>]) -> Vec<u8> {
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for (r, row) in (0u32..).zip(rows) {
        for (c, cell) in (0u16..).zip(row) {
            match cell {
                Data::String(v) => s.write_string(r, c, v.as_str()).map(|_| ()),
                Data::Float(v) => s.write_number(r, c, *v).map(|_| ()),
                Data::Int(v) => s.write_number(r, c, *v as f64).map(|_| ()),
                _ => Ok(()),
            }
            .expect("cell");
        }
    }
    book.save_to_buffer().expect("workbook")
}

fn cells_at(errors: &[RowError]) -> Vec<(usize, &str)> {
    errors.iter().map(|e| (e.line, e.column.as_str())).collect()
}

async fn a_spreadsheet_round_trips_and_bad_rows_change_nothing(db: Db) {
    let t = spawn_app(db).await;
    let (n, out) = export(&t, "2026-01-01", Format::Csv).await;
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
        .import(&actor, decree(1), Format::Csv, file.as_bytes())
        .await
        .expect("import");
    let ImportOutcome::Rejected(errors) = outcome else {
        panic!("a file with bad rows was applied")
    };
    let cells = cells_at(&errors);
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
        .import(&actor, decree(2), Format::Csv, lines.join("\n").as_bytes())
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
    assert_eq!(item.current.valid_from, date("2026-01-06"));
}
both_dbs!(
    spreadsheet,
    a_spreadsheet_round_trips_and_bad_rows_change_nothing
);

async fn an_xlsx_export_imports_back_as_the_same_rows(db: Db) {
    let t = spawn_app(db).await;
    let (n, xlsx) = export(&t, "2026-01-01", Format::Xlsx).await;
    assert!(n > 1500, "{n} items");
    let (name, rows) = sheet(&xlsx);
    assert_eq!(name, "权力清单");
    assert_eq!(rows.len(), n + 1);
    // Codes and division codes are text, limits and fees numbers.
    assert!(matches!(&rows[1][0], Data::String(c) if c.starts_with("430102-")));
    assert_eq!(rows[1][5], Data::String("430102".into()));
    assert!(matches!(rows[1][9], Data::Float(_)), "{:?}", rows[1][9]);
    assert!(matches!(rows[1][13], Data::Float(_)), "{:?}", rows[1][13]);
    // The same cells as the CSV: the format only writes them.
    let (_, csv) = export(&t, "2026-01-01", Format::Csv).await;
    let csv: Vec<Vec<String>> = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_slice())
        .records()
        .map(|r| r.expect("record").iter().map(str::to_string).collect())
        .collect();
    assert_eq!(as_text(&rows), csv);

    let before = t.event_count().await;
    let outcome = t
        .app
        .import(&Actor::system("test"), decree(3), Format::Xlsx, &xlsx)
        .await
        .expect("import");
    let ImportOutcome::Applied { codes, applied } = outcome else {
        panic!("a clean export was rejected: {outcome:?}")
    };
    assert_eq!((codes, applied.started, applied.ended), (n, n, n));
    assert!(t.event_count().await > before);
    let (m, again) = export(&t, "2026-01-06", Format::Xlsx).await;
    assert_eq!(m, n);
    let back = sheet(&again).1;
    assert_eq!(back.len(), rows.len());
    for (b, r) in back.iter().zip(&rows) {
        assert_eq!(b, r, "the row came back changed");
    }
}
both_dbs!(
    xlsx_round_trip,
    an_xlsx_export_imports_back_as_the_same_rows
);

/// The heading and the first three items of the export, as cells.
async fn first_rows(t: &TestApp) -> Vec<Vec<Data>> {
    let (_, xlsx) = export(t, "2026-01-01", Format::Xlsx).await;
    let (_, mut rows) = sheet(&xlsx);
    rows.truncate(4);
    rows
}

async fn an_xlsx_with_bad_rows_writes_nothing_and_names_each(db: Db) {
    let t = spawn_app(db).await;
    let mut rows = first_rows(&t).await;
    rows[2][3] = Data::String("许可".into());
    rows[3][4] = Data::String("不存在的局".into());
    rows[3][7] = Data::Float(2.5);
    // Rows a department left empty below the list.
    rows.push(vec![Data::String(String::new()); 19]);
    rows.push(vec![Data::String("  ".into())]);
    let before = t.event_count().await;
    let outcome = t
        .app
        .import(
            &Actor::system("test"),
            decree(4),
            Format::Xlsx,
            &workbook(&rows),
        )
        .await
        .expect("import");
    let ImportOutcome::Rejected(errors) = outcome else {
        panic!("a file with bad rows was applied")
    };
    // Rows as Excel numbers them: the heading is row 1.
    assert_eq!(
        cells_at(&errors),
        [(3, "事项类型"), (4, "实施部门"), (4, "法定时限")],
        "{errors:?}"
    );
    assert!(errors[2].reason.contains("2.5"), "{errors:?}");
    assert_eq!(
        t.event_count().await,
        before,
        "a rejected file wrote something"
    );
}
both_dbs!(
    xlsx_bad_rows,
    an_xlsx_with_bad_rows_writes_nothing_and_names_each
);

async fn an_xlsx_typed_by_hand_is_read_by_its_headings(db: Db) {
    let t = spawn_app(db).await;
    let rows = first_rows(&t).await;
    // Columns in another order with a 备注 column and a title above; the
    // division code and the limits typed as numbers, as Excel keeps them.
    let mut typed = vec![
        vec![Data::String("芙蓉区权力清单（2026年）".into())],
        Vec::new(),
    ];
    for (i, row) in rows.iter().enumerate() {
        let mut r = row.clone();
        r.reverse();
        r.push(Data::String(if i == 0 { "备注" } else { "" }.into()));
        if i > 0 {
            // Reversed: column k sits at 19 - k (20 columns).
            r[19 - 5] = Data::Float(430102.0);
            r[19 - 10] = Data::Float(1.0);
        }
        typed.push(r);
    }
    typed[2][19 - 13] = Data::String("收费（分）".into());
    let outcome = t
        .app
        .import(
            &Actor::system("test"),
            decree(5),
            Format::Xlsx,
            &workbook(&typed),
        )
        .await
        .expect("import");
    let ImportOutcome::Applied { codes, .. } = outcome else {
        panic!("a file typed by hand was rejected: {outcome:?}")
    };
    assert_eq!(codes, 3);
    let Data::String(code) = &rows[1][0] else {
        panic!("the code is not text")
    };
    let item = t.app.item(code).await.expect("item");
    assert_eq!(item.current.item.division.to_string(), "430102");
    assert_eq!(item.current.item.visits, 1);
    assert_eq!(item.current.valid_from, date("2026-01-06"));

    // Not a workbook at all: a clear error naming the file, nothing written.
    let before = t.event_count().await;
    let mut broken = workbook(&rows);
    broken.truncate(broken.len() / 2);
    for data in [broken, b"PK\x03\x04 not really".to_vec()] {
        let err = t
            .app
            .import(&Actor::system("test"), decree(6), Format::Xlsx, &data)
            .await
            .expect_err("a broken file was read");
        let AppError::Invalid(inv) = err else {
            panic!("not a validation error: {err:?}")
        };
        assert_eq!(inv.0[0].field, "file");
        assert!(inv.0[0].reason.contains("不是有效的Excel工作簿"), "{inv:?}");
    }
    assert_eq!(t.event_count().await, before);
}
both_dbs!(xlsx_by_hand, an_xlsx_typed_by_hand_is_read_by_its_headings);

fn bianli(args: &[&str], db: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bianli"))
        .args(args)
        .args(["--db", db])
        .env("RUST_LOG", "warn")
        .output()
        .expect("run bianli")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_picks_the_format_by_extension_and_refuses_what_it_cannot() {
    let t = spawn_app(Db::Sqlite).await;
    let db = t.db_url.as_str();
    let dir = std::env::temp_dir().join(format!("bianli-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let export = [
        "catalog",
        "export",
        "--as-of",
        "2026-01-01",
        "--division",
        "430102",
    ];

    let list = path("list.xlsx");
    let o = bianli(&[&export[..], &["--out", list.as_str()]].concat(), db);
    assert!(o.status.success(), "{}", stderr(&o));
    let (name, rows) = sheet(&std::fs::read(&list).expect("written"));
    assert_eq!(name, "权力清单");
    assert!(rows.len() > 1500);

    let o = bianli(&[&export[..], &["--format", "xlsx"]].concat(), db);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--out"), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    let o = bianli(
        &[&export[..], &["--format", "csv", "--out", list.as_str()]].concat(),
        db,
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("xlsx"), "{}", stderr(&o));
    let o = bianli(&export, db);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("事项编码,"));

    let import = |file: &str| {
        let args = [
            "catalog",
            "import",
            file,
            "--number",
            "芙政发〔2026〕7号",
            "--title",
            "芙蓉区权力清单调整",
            "--issued-on",
            "2026-01-05",
        ];
        bianli(&args, db)
    };
    let text = path("list.txt");
    std::fs::write(&text, "事项编码\n").expect("write");
    let o = import(&text);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(".csv or .xlsx"), "{}", stderr(&o));

    let mut bad = first_rows(&t).await;
    bad[2][3] = Data::String("许可".into());
    bad[3][10] = Data::Float(3.0);
    let bad_file = path("bad.xlsx");
    std::fs::write(&bad_file, workbook(&bad)).expect("write");
    let before = t.event_count().await;
    let o = import(&bad_file);
    assert_eq!(o.status.code(), Some(1));
    let said = stderr(&o);
    assert!(said.contains("row 3, 事项类型"), "{said}");
    assert!(said.contains("row 4, 到现场次数"), "{said}");
    assert!(said.contains("nothing was written"), "{said}");
    assert_eq!(t.event_count().await, before);

    let o = import(&list);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(t.event_count().await > before);
    std::fs::remove_dir_all(&dir).ok();
}
