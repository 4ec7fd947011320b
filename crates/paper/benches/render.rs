//! Time to render a one-page notice, a licence and a 40-row notice with the
//! installed Noto CJK fonts (loaded once, as the server does).

use bianli_paper::{Document, Fonts, Layout, render};
use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};

fn document(kind: Layout, title: &str, fields: usize) -> Document {
    Document {
        kind,
        title: title.into(),
        number: "编号：JY11105010000017".into(),
        addressee: (kind == Layout::Notice).then(|| "张三：".into()),
        paragraphs: vec![
            "你（单位）提出的食品经营许可申请，经审查，申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》第三十二条的规定，决定予以受理。".into(),
        ],
        fields: (1..=fields)
            .map(|i| (format!("材料{i}"), format!("第{i}项：营业执照复印件（加盖公章）")))
            .collect(),
        issuer: "北京市朝阳区市场监督管理局".into(),
        date: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        verify_url: "https://bianli.example.gov.cn/v/JY11105010000017?c=Q4M8TZ".into(),
    }
}

fn bench(c: &mut Criterion) {
    let fonts = Fonts::discover().unwrap_or_else(|err| panic!("{err}"));
    let cases = [
        ("notice", document(Layout::Notice, "受理通知书", 4)),
        ("licence", document(Layout::Licence, "食品经营许可证", 6)),
        (
            "notice_40_fields",
            document(Layout::Notice, "补正材料告知书", 40),
        ),
    ];
    for (name, doc) in &cases {
        let bytes = render(doc, &fonts).unwrap().len();
        eprintln!("{name}: {bytes} bytes");
        c.bench_function(name, |b| b.iter(|| render(doc, &fonts).unwrap()));
    }
    c.bench_function("fonts_discover", |b| b.iter(|| Fonts::discover().unwrap()));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
