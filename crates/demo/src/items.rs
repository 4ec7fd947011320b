//! The 296 real items of `data/common_items.csv`, with their standard elements:
//! the file's name, kind, legal basis, statutory and promised limits and visits,
//! and the demo's channels, materials, aliases and links.

use bianli_domain::catalog::{DayCount, ItemInput, ItemKind, TimeLimit};
use bianli_domain::division::Level;

use crate::prng::Rng;
use crate::{aliases, forms, materials};

const CSV: &str = include_str!("../../../data/common_items.csv");

/// The one 行政许可 row with an empty legal basis. A licence must cite its basis
/// (职权法定), and simplified deregistration rests on the SAIC's 2016 opinion,
/// which the demo cites here.
const SIMPLE_DEREGISTRATION: (&str, &str) = (
    "企业简易注销登记",
    "《工商总局关于全面推进企业简易注销登记改革的指导意见》（工商企注字〔2016〕253号）",
);

/// A row of `common_items.csv`.
pub(crate) struct Row {
    pub name: &'static str,
    pub kind: ItemKind,
    pub department_kind: &'static str,
    pub level: Level,
    pub basis: &'static str,
    pub statutory_days: Option<u16>,
    pub promised_days: Option<u16>,
    pub visits: Option<u8>,
}

pub(crate) fn rows() -> Vec<Row> {
    CSV.lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            // No field is quoted and none holds a comma.
            let f: Vec<&str> = line.split(',').map(str::trim).collect();
            assert_eq!(
                f.len(),
                8,
                "embedded data: common_items.csv has 8 columns: {line}"
            );
            let num = |s: &str| -> Option<u16> {
                (!s.is_empty()).then(|| s.parse().expect("embedded data: a number of days"))
            };
            Row {
                name: f[0],
                kind: ItemKind::parse(f[1]).expect("embedded data: an item kind"),
                department_kind: f[2],
                level: Level::parse(f[3]).expect("embedded data: a level"),
                basis: f[4],
                statutory_days: num(f[5]),
                promised_days: num(f[6]),
                visits: (!f[7].is_empty()).then(|| f[7].parse().expect("embedded data: visits")),
            }
        })
        .collect()
}

/// The unit a row's statutory limit counts in.
///
/// * 行政许可法 §82: the limits of administrative licensing count working days.
/// * The other laws in the file count 日, calendar days: 居民身份证法 60 日,
///   居住证暂行条例 15 日, 工伤保险条例 60 日, 住房公积金管理条例 3 日 and 15 日,
///   劳动争议调解仲裁法 45 日, 社会保险法 15 日 …
/// * Except 不动产登记暂行条例 §20, which says 30 个工作日.
/// * 护照法 §6 gives 15 日 for a passport, a licence; the demo reads it as
///   calendar days (the stricter reading, so every promise stays lawful).
pub(crate) fn statutory_unit(kind: ItemKind, basis: &str) -> DayCount {
    if basis.contains("不动产登记暂行条例") {
        DayCount::Working
    } else if basis.contains("护照法") {
        DayCount::Calendar
    } else if kind == ItemKind::Licensing {
        DayCount::Working
    } else {
        DayCount::Calendar
    }
}

/// A row as an item input (code, division and department are set per division).
pub(crate) fn input(row: &Row) -> ItemInput {
    let mut rng = Rng::for_label(row.name);
    let basis = if row.basis.is_empty() && row.name == SIMPLE_DEREGISTRATION.0 {
        SIMPLE_DEREGISTRATION.1
    } else {
        row.basis
    };
    let unit = statutory_unit(row.kind, basis);
    let limit = row.statutory_days.map(|days| TimeLimit { days, unit });
    let promised = row
        .promised_days
        .unwrap_or_else(|| default_promised(row, limit, &mut rng));
    let visits = row.visits.unwrap_or(match row.kind {
        ItemKind::Adjudication => 2,
        _ => 1,
    });
    let (prerequisites, post_links, chain_group) = links(row.name);
    let (fee_fen, fee_basis) = fee(row.name);
    ItemInput {
        name: row.name.to_string(),
        aliases: aliases::for_item(row.name)
            .iter()
            .map(|a| a.to_string())
            .collect(),
        kind: row.kind.zh().to_string(),
        legal_basis: if basis.is_empty() {
            vec![]
        } else {
            vec![basis.to_string()]
        },
        statutory_days: limit.map(|l| i64::from(l.days)),
        statutory_unit: limit.map(|l| match l.unit {
            DayCount::Working => "working".to_string(),
            DayCount::Calendar => "calendar".to_string(),
        }),
        promised_days: i64::from(promised),
        visits: i64::from(visits),
        channels: channels(row.name, row.kind, visits),
        materials: materials::for_real(row.name, row.kind),
        fee_fen,
        fee_basis,
        prerequisites: prerequisites.iter().map(|s| s.to_string()).collect(),
        post_links: post_links.iter().map(|s| s.to_string()).collect(),
        chain_group: chain_group.map(str::to_string),
        commitment_allowed: COMMITMENT.contains(&row.name),
        form: forms::for_item(row.name),
        ..Default::default()
    }
}

/// Items that real reforms put under 告知承诺制: the 证照分离 reform
/// (国发〔2019〕25号 and 国发〔2021〕7号) lists 公共场所卫生许可, 娱乐场所经营
/// 许可, 营业性演出审批, 出版物零售单位设立审批, 印刷企业设立审批 (packaging
/// printing) and 旅馆业特种行业许可 among those an applicant may obtain on a
/// written commitment; provinces (Hunan among them) then extended it to
/// 食品经营许可 for low-risk shops (仅销售预包装食品, later a mere filing) and
/// to renewing a tobacco retail licence. The demo has no separate
/// 仅销售预包装食品 item, so 食品经营许可 itself allows it.
const COMMITMENT: [&str; 8] = [
    "公共场所卫生许可",
    "娱乐场所经营许可",
    "营业性演出审批",
    "出版物零售单位设立审批",
    "印刷企业设立审批",
    "旅馆业特种行业许可证核发",
    "食品经营许可",
    "烟草专卖零售许可证延续",
];

/// A promise where the file gives none: half the statutory limit's working-day
/// floor when there is one, else a usual promise for the kind (0 = 即办).
fn default_promised(row: &Row, limit: Option<TimeLimit>, rng: &mut Rng) -> u16 {
    if let Some(limit) = limit {
        let floor = limit.as_working_days_floor();
        return (floor / 2).clamp(1.min(floor), floor);
    }
    if row.name.contains("违法行为处理") || row.name.contains("查询") || row.name.contains("优待证")
    {
        return 0;
    }
    match row.kind {
        ItemKind::Licensing => rng.pick(&[5, 7, 10, 15]),
        ItemKind::Confirmation => rng.pick(&[3, 5, 7]),
        ItemKind::Benefit => rng.pick(&[10, 15, 20]),
        ItemKind::PublicService => rng.pick(&[1, 3, 5]),
        ItemKind::OtherPower => rng.pick(&[1, 3, 5]),
        ItemKind::Adjudication => 60,
        ItemKind::Penalty => 30,
        ItemKind::Inspection => 15,
        ItemKind::Levy => 5,
        ItemKind::Reward => 15,
        ItemKind::Coercion => 20,
    }
}

/// Requests a 12345 operator may file for a caller (热线代办): simple
/// withdrawals and changes where the caller's word and ID start the case and
/// the papers follow to the window, as cities' 12345 帮办代办 services do.
const HOTLINE_FILED: [&str; 4] = [
    "住房公积金提取",
    "住房公积金租房提取",
    "个体工商户变更登记",
    "出生医学证明办理",
];

fn channels(name: &str, kind: ItemKind, visits: u8) -> Vec<String> {
    let mut c = vec!["hall"];
    let enforcement = matches!(
        kind,
        ItemKind::Penalty | ItemKind::Inspection | ItemKind::Coercion
    );
    let online_too = name.contains("交通安全违法行为") || visits == 0;
    if !enforcement || online_too {
        c.push("web");
    }
    if matches!(
        kind,
        ItemKind::PublicService | ItemKind::Benefit | ItemKind::Confirmation
    ) || name == "食品经营许可"
        || online_too
    {
        c.push("mobile");
    }
    if ["查询", "打印", "社会保障卡", "公积金"]
        .iter()
        .any(|k| name.contains(k))
    {
        c.push("kiosk");
    }
    if name.contains("投诉") || name.contains("举报") || HOTLINE_FILED.contains(&name) {
        c.push("hotline");
    }
    c.into_iter().map(str::to_string).collect()
}

/// Prerequisites, post-approval links and the chain an item belongs to.
fn links(
    name: &str,
) -> (
    &'static [&'static str],
    &'static [&'static str],
    Option<&'static str>,
) {
    match name {
        "建筑工程施工许可证核发" => (&["建设工程规划许可证核发"], &[], None),
        "商品房预售许可" => (&["建筑工程施工许可证核发"], &[], None),
        "医疗机构执业登记" => (&["医疗机构设置审批"], &[], None),
        "企业设立登记" => (
            &["企业名称预先核准"],
            &["公章刻制审批", "税务登记", "单位社会保险登记"],
            Some("开办企业"),
        ),
        "企业名称预先核准"
        | "公章刻制审批"
        | "税务登记"
        | "单位社会保险登记"
        | "住房公积金单位缴存登记" => (&[], &[], Some("开办企业")),
        "个体工商户设立登记" => (&[], &["食品经营许可"], Some("开办餐饮店")),
        "食品经营许可" | "公众聚集场所投入使用、营业前消防安全检查" | "设置大型户外广告审批" => {
            (&[], &[], Some("开办餐饮店"))
        }
        "出生医学证明办理" | "出生登记" | "预防接种证办理" => {
            (&[], &[], Some("新生儿出生"))
        }
        "国有建设用地使用权及房屋所有权转移登记" | "契税征收" => {
            (&[], &[], Some("二手房交易"))
        }
        _ => (&[], &[], None),
    }
}

/// Fees: the demo charges only the ID card's 工本费; every other item is free.
fn fee(name: &str) -> (i64, Option<String>) {
    match name {
        "居民身份证申领" | "居民身份证换领" | "居民身份证补领" => (
            2000,
            Some("《国家发展改革委 财政部关于第二代居民身份证收费标准及有关问题的通知》（发改价格〔2003〕2322号）".to_string()),
        ),
        _ => (0, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_has_296_rows_on_three_levels() {
        let rows = rows();
        assert_eq!(rows.len(), 296);
        let at = |l: Level| rows.iter().filter(|r| r.level == l).count();
        assert_eq!(
            (at(Level::Province), at(Level::City), at(Level::County)),
            (35, 48, 213)
        );
    }

    #[test]
    fn units_follow_the_laws() {
        let unit = |name: &str| {
            let r = rows().into_iter().find(|r| r.name == name).expect(name);
            statutory_unit(r.kind, r.basis)
        };
        assert_eq!(unit("居民身份证申领"), DayCount::Calendar);
        assert_eq!(unit("普通护照签发"), DayCount::Calendar);
        assert_eq!(unit("居住证申领"), DayCount::Calendar);
        assert_eq!(unit("工伤认定"), DayCount::Calendar);
        assert_eq!(unit("住房公积金提取"), DayCount::Calendar);
        assert_eq!(unit("劳动人事争议仲裁"), DayCount::Calendar);
        assert_eq!(unit("单位社会保险登记"), DayCount::Calendar);
        assert_eq!(unit("不动产变更登记"), DayCount::Working);
        assert_eq!(unit("食品经营许可"), DayCount::Working);
    }

    #[test]
    fn only_kinds_that_may_omit_a_basis_lack_one() {
        for r in rows() {
            let i = input(&r);
            if r.kind.requires_legal_basis() {
                assert!(!i.legal_basis.is_empty(), "{}", r.name);
            }
        }
    }

    #[test]
    fn every_commitment_item_is_in_the_file_and_allowed_to_take_it() {
        let rows = rows();
        for name in COMMITMENT {
            let r = rows.iter().find(|r| r.name == name).expect(name);
            let item = input(r);
            assert!(item.commitment_allowed, "{name}");
            assert!(
                matches!(r.kind, ItemKind::Licensing | ItemKind::Confirmation),
                "{name}"
            );
        }
        let flagged = rows.iter().filter(|r| input(r).commitment_allowed).count();
        assert_eq!(flagged, COMMITMENT.len());
    }
}
