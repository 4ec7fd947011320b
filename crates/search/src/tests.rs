//! Behaviour of the index on a small, realistic slice of a city power list.

use std::collections::HashMap;
use std::sync::Arc;

use crate::{SearchDoc, SearchIndex, SearchQuery};

#[allow(clippy::too_many_arguments)]
fn item(
    code: &str,
    name: &str,
    aliases: &[&str],
    materials: &[&str],
    department: (&str, i64),
    kind: &str,
    level: &str,
    division: &str,
    channels: &[&str],
    visits: u8,
) -> SearchDoc {
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    SearchDoc {
        code: code.into(),
        name: name.into(),
        aliases: strings(aliases),
        materials: strings(materials),
        department: department.0.into(),
        department_id: department.1,
        kind: kind.into(),
        level: level.into(),
        division: division.into(),
        channels: strings(channels),
        visits,
    }
}

const SCJG: (&str, i64) = ("长沙市市场监督管理局", 101);
const SCJG_PROV: (&str, i64) = ("湖南省市场监督管理局", 1);
const SCJG_FR: (&str, i64) = ("长沙市芙蓉区市场监督管理局", 201);
const YC: (&str, i64) = ("长沙市烟草专卖局", 102);
const WJ: (&str, i64) = ("长沙市卫生健康委员会", 103);
const WJ_FR: (&str, i64) = ("长沙市芙蓉区卫生健康局", 202);
const MZ: (&str, i64) = ("长沙市民政局", 104);
const GA: (&str, i64) = ("长沙市公安局", 105);
const GA_FR: (&str, i64) = ("长沙市公安局芙蓉分局", 203);
const WL: (&str, i64) = ("长沙市文化旅游广电局", 106);
const ZJ: (&str, i64) = ("长沙市住房和城乡建设局", 107);
const ZG: (&str, i64) = ("长沙市自然资源和规划局", 108);
const GJJ: (&str, i64) = ("长沙住房公积金管理中心", 109);
const YB: (&str, i64) = ("长沙市医疗保障局", 110);
const RS: (&str, i64) = ("长沙市人力资源和社会保障局", 111);
const JT: (&str, i64) = ("长沙市交通运输局", 112);
const CL: (&str, i64) = ("长沙市残疾人联合会", 113);

const ALL: &[&str] = &["hall", "web", "mobile"];
const HALL: &[&str] = &["hall"];
const ONLINE: &[&str] = &["web", "mobile", "kiosk"];

#[rustfmt::skip]
fn catalog() -> Vec<SearchDoc> {
    vec![
        item("430000-0000001", "食品经营许可", &[], &["营业执照", "食品经营许可申请书"], SCJG_PROV, "行政许可", "province", "430000", ALL, 1),
        item("430100-0100001", "食品经营许可", &["开饭店", "开餐馆", "小餐饮"], &["营业执照", "食品经营许可申请书", "食品安全管理制度"], SCJG, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100002", "食品经营许可变更", &[], &["食品经营许可证正副本", "变更申请书"], SCJG, "行政许可", "city", "430100", ALL, 0),
        item("430100-0100003", "食品生产许可", &["开食品厂"], &["营业执照", "食品生产许可申请书", "生产场所平面图"], SCJG, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100004", "药品零售企业许可", &[], &["营业执照", "执业药师注册证"], SCJG, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100005", "烟草专卖零售许可", &[], &["身份证", "经营场所证明"], YC, "行政许可", "city", "430100", ALL, 1),
        item("430102-0200006", "出生医学证明签发", &[], &["父母身份证", "住院分娩记录"], WJ_FR, "公共服务", "county", "430102", HALL, 1),
        item("430100-0100007", "生育登记", &["生育服务登记"], &["夫妻双方身份证", "结婚证"], WJ, "公共服务", "city", "430100", ONLINE, 0),
        item("430102-0200008", "出生登记", &["新生儿上户口"], &["出生医学证明", "父母户口簿"], GA_FR, "行政确认", "county", "430102", HALL, 1),
        item("430100-0100009", "结婚登记", &[], &["户口簿", "身份证", "本人无配偶声明"], MZ, "行政确认", "city", "430100", HALL, 1),
        item("430100-0100010", "离婚登记", &[], &["户口簿", "身份证", "结婚证", "离婚协议书"], MZ, "行政确认", "city", "430100", HALL, 2),
        item("430100-0100011", "普通护照签发", &[], &["身份证", "出入境证件照片"], GA, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100012", "娱乐场所经营许可", &[], &["营业执照", "消防安全检查意见"], WL, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100013", "上网服务营业场所经营许可", &[], &["营业执照", "消防安全检查意见"], WL, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100014", "建筑工程施工许可", &[], &["建设工程规划许可证", "施工合同"], ZJ, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100015", "建设工程规划许可", &[], &["建设用地规划许可证", "设计方案"], ZG, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100016", "商品房预售许可", &[], &["建筑工程施工许可证", "预售方案"], ZJ, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100017", "住房公积金提取", &["取公积金"], &["身份证", "银行卡"], GJJ, "公共服务", "city", "430100", ONLINE, 0),
        item("430100-0100018", "公共场所卫生许可", &[], &["营业执照", "卫生检测报告"], WJ, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100019", "特种行业许可（旅馆业）", &[], &["营业执照", "消防安全检查意见"], GA, "行政许可", "city", "430100", HALL, 2),
        item("430100-0100020", "企业设立登记", &["开办企业"], &["公司章程", "股东身份证明"], SCJG, "行政许可", "city", "430100", ALL, 0),
        item("430100-0100021", "机动车驾驶证核发", &[], &["身份证", "体检证明"], GA, "行政许可", "city", "430100", HALL, 2),
        item("430102-0200022", "食品经营许可", &[], &["营业执照", "食品经营许可申请书"], SCJG_FR, "行政许可", "county", "430102", ONLINE, 0),
        item("430100-0100023", "个体工商户登记", &[], &["经营者身份证", "经营场所证明"], SCJG, "行政许可", "city", "430100", ALL, 0),
        item("430100-0100024", "社会保障卡申领", &["办社保卡"], &["身份证", "证件照片"], RS, "公共服务", "city", "430100", ONLINE, 0),
        item("430100-0100025", "城乡居民基本医疗保险参保登记", &[], &["身份证", "户口簿"], YB, "公共服务", "city", "430100", ONLINE, 0),
        item("430100-0100026", "不动产转移登记", &["过户"], &["不动产权证书", "买卖合同"], ZG, "行政确认", "city", "430100", HALL, 1),
        item("430100-0100027", "残疾人证核发", &[], &["身份证", "残疾评定表"], CL, "公共服务", "city", "430100", HALL, 1),
        item("430100-0100028", "烟花爆竹经营（零售）许可", &[], &["营业执照", "零售场所证明"], SCJG, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100029", "道路货物运输经营许可", &[], &["营业执照", "车辆行驶证"], JT, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100030", "建设用地规划许可", &[], &["用地申请", "土地出让合同"], ZG, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100031", "食品小作坊登记", &[], &["营业执照", "从业人员健康证明"], SCJG, "行政许可", "city", "430100", ALL, 1),
        item("430100-0100032", "离退休人员养老金领取资格认证", &[], &["身份证"], RS, "公共服务", "city", "430100", ONLINE, 0),
        item("430100-0100033", "最低生活保障审批", &[], &["家庭收入证明", "户口簿"], MZ, "行政给付", "city", "430100", ALL, 1),
    ]
}

fn names() -> HashMap<String, String> {
    catalog().into_iter().map(|d| (d.code, d.name)).collect()
}

fn index() -> SearchIndex {
    let index = SearchIndex::new().unwrap();
    index.rebuild(catalog()).unwrap();
    index
}

fn text(text: &str) -> SearchQuery<'_> {
    SearchQuery {
        text,
        limit: 10,
        ..Default::default()
    }
}

/// Names of the hits, best first.
fn top(index: &SearchIndex, q: &SearchQuery) -> Vec<String> {
    let names = names();
    let (hits, _) = index.search(q).unwrap();
    hits.iter()
        .map(|h| {
            names
                .get(&h.code)
                .cloned()
                .unwrap_or_else(|| h.code.clone())
        })
        .collect()
}

fn assert_in_top(index: &SearchIndex, query: &str, expected: &str, n: usize) {
    let got = top(index, &text(query));
    assert!(
        got.iter().take(n).any(|name| name == expected),
        "{query:?}: expected {expected} in top {n}, got {got:?}"
    );
}

#[test]
fn colloquial_restaurant_finds_food_business_license() {
    assert_in_top(&index(), "开饭店", "食品经营许可", 3);
}

#[test]
fn selling_cigarettes_finds_tobacco_retail_first() {
    assert_eq!(top(&index(), &text("卖烟"))[0], "烟草专卖零售许可");
}

#[test]
fn having_a_baby_question_finds_birth_certificate() {
    let index = index();
    assert_in_top(&index, "生孩子要办什么", "出生医学证明签发", 3);
    assert_in_top(&index, "生孩子要办什么", "出生登记", 5);
    assert_in_top(&index, "生孩子要办什么", "生育登记", 5);
}

#[test]
fn every_synonym_group_reaches_its_item() {
    let index = index();
    let cases = [
        ("我想开餐馆", "食品经营许可"),
        ("开小吃店需要哪些手续", "食品经营许可"),
        ("卖香烟", "烟草专卖零售许可"),
        ("生小孩", "出生医学证明签发"),
        ("结婚", "结婚登记"),
        ("领证", "结婚登记"),
        ("离婚怎么办", "离婚登记"),
        ("办护照", "普通护照签发"),
        ("出国", "普通护照签发"),
        ("开网吧", "上网服务营业场所经营许可"),
        ("开KTV", "娱乐场所经营许可"),
        ("开ＫＴＶ", "娱乐场所经营许可"),
        ("开歌厅", "娱乐场所经营许可"),
        ("盖房子", "建筑工程施工许可"),
        ("建房", "建设工程规划许可"),
        ("卖房", "商品房预售许可"),
        ("提公积金", "住房公积金提取"),
        ("开药店", "药品零售企业许可"),
        ("注册公司", "企业设立登记"),
        ("开旅馆", "公共场所卫生许可"),
        ("开酒店", "特种行业许可（旅馆业）"),
        ("学车", "机动车驾驶证核发"),
        ("驾照", "机动车驾驶证核发"),
        ("申请低保", "最低生活保障审批"),
        ("补办社保卡", "社会保障卡申领"),
    ];
    for (query, expected) in cases {
        assert_in_top(&index, query, expected, 3);
    }
}

#[test]
fn official_words_still_work_without_synonyms() {
    let index = index();
    assert_in_top(&index, "护照", "普通护照签发", 1);
    assert_in_top(&index, "公积金", "住房公积金提取", 1);
    assert_in_top(&index, "社保卡", "社会保障卡申领", 1);
    assert_in_top(&index, "过户", "不动产转移登记", 1);
}

#[test]
fn exact_name_ranks_before_longer_names() {
    let got = top(&index(), &text("食品经营许可"));
    // Three divisions carry the exact name; all must precede the variant.
    assert_eq!(got[..3], ["食品经营许可"; 3], "{got:?}");
    let variant = got.iter().position(|n| n == "食品经营许可变更");
    assert_eq!(variant, Some(3), "{got:?}");
}

#[test]
fn exact_name_survives_question_words() {
    assert_eq!(top(&index(), &text("结婚登记怎么办理"))[0], "结婚登记");
}

#[test]
fn level_filter() {
    let index = index();
    let q = SearchQuery {
        level: Some("province"),
        ..text("食品经营许可")
    };
    let (hits, total) = index.search(&q).unwrap();
    assert_eq!(total, 1);
    assert_eq!(hits[0].code, "430000-0000001");
}

#[test]
fn division_filter_lists_in_code_order() {
    let q = SearchQuery {
        division: Some("430102"),
        limit: 10,
        ..Default::default()
    };
    let (hits, total) = index().search(&q).unwrap();
    let codes: Vec<_> = hits.iter().map(|h| h.code.as_str()).collect();
    assert_eq!(
        codes,
        ["430102-0200006", "430102-0200008", "430102-0200022"]
    );
    assert_eq!(total, 3);
}

#[test]
fn division_filter_with_text() {
    let q = SearchQuery {
        division: Some("430102"),
        ..text("开饭店")
    };
    let (hits, total) = index().search(&q).unwrap();
    assert_eq!(total, hits.len());
    assert_eq!(hits[0].code, "430102-0200022");
    assert!(hits.iter().all(|h| h.code.starts_with("430102-")));
}

#[test]
fn kind_filter() {
    let q = SearchQuery {
        kind: Some("行政确认"),
        limit: 50,
        ..Default::default()
    };
    let (hits, total) = index().search(&q).unwrap();
    let expected = catalog().iter().filter(|d| d.kind == "行政确认").count();
    assert_eq!(total, expected);
    assert_eq!(hits.len(), expected);
    let names = names();
    assert!(hits.iter().any(|h| names[&h.code] == "结婚登记"));
    assert!(hits.iter().all(|h| names[&h.code] != "食品经营许可"));
}

#[test]
fn channel_filter() {
    let q = SearchQuery {
        channel: Some("kiosk"),
        ..text("登记")
    };
    let (hits, total) = index().search(&q).unwrap();
    let names: Vec<_> = top(&index(), &q);
    assert_eq!(total, hits.len());
    // 结婚登记 is hall-only; 生育登记 and 医保参保登记 are on kiosks.
    assert!(names.contains(&"生育登记".to_string()), "{names:?}");
    assert!(!names.contains(&"结婚登记".to_string()), "{names:?}");
}

#[test]
fn zero_trip_filter() {
    let index = index();
    let q = SearchQuery {
        zero_trip: true,
        ..text("食品经营许可")
    };
    let (hits, _) = index.search(&q).unwrap();
    let codes: Vec<_> = hits.iter().map(|h| h.code.as_str()).collect();
    // Of the four food-business items only the county one and the 变更
    // variant need no trip; weaker matches follow them.
    assert_eq!(codes[..2], ["430102-0200022", "430100-0100002"]);
    let zero_trip: Vec<_> = catalog()
        .into_iter()
        .filter(|d| d.visits == 0)
        .map(|d| d.code)
        .collect();
    assert!(
        hits.iter().all(|h| zero_trip.contains(&h.code)),
        "{codes:?}"
    );
}

#[test]
fn department_filter() {
    let index = index();
    let q = SearchQuery {
        department_id: Some(106),
        limit: 10,
        ..Default::default()
    };
    let (hits, total) = index.search(&q).unwrap();
    assert_eq!(total, 2);
    let codes: Vec<_> = hits.iter().map(|h| h.code.as_str()).collect();
    assert_eq!(codes, ["430100-0100012", "430100-0100013"]);
    let q = SearchQuery {
        department_id: Some(999),
        ..text("许可")
    };
    assert_eq!(index.search(&q).unwrap(), (vec![], 0));
}

#[test]
fn filters_combine() {
    let q = SearchQuery {
        level: Some("city"),
        kind: Some("行政许可"),
        channel: Some("hall"),
        zero_trip: true,
        limit: 50,
        ..Default::default()
    };
    let (hits, total) = index().search(&q).unwrap();
    let expected: Vec<_> = catalog()
        .into_iter()
        .filter(|d| d.level == "city" && d.kind == "行政许可" && d.visits == 0)
        .filter(|d| d.channels.iter().any(|c| c == "hall"))
        .map(|d| d.code)
        .collect();
    assert_eq!(total, expected.len());
    assert_eq!(
        hits.iter().map(|h| h.code.clone()).collect::<Vec<_>>(),
        expected
    );
}

#[test]
fn upsert_renames_an_item() {
    let index = index();
    let mut doc = catalog()
        .into_iter()
        .find(|d| d.code == "430100-0100020")
        .unwrap();
    doc.name = "企业开办一件事".into();
    doc.aliases.clear();
    index.upsert(&[doc]).unwrap();

    // 设立登记 occurred only in the old name.
    let (hits, _) = index.search(&text("设立登记")).unwrap();
    assert!(hits.iter().all(|h| h.code != "430100-0100020"), "{hits:?}");
    let (hits, _) = index.search(&text("企业设立登记")).unwrap();
    assert_ne!(hits[0].code, "430100-0100020", "{hits:?}");
    let (hits, _) = index.search(&text("企业开办一件事")).unwrap();
    assert_eq!(hits[0].code, "430100-0100020");
    assert_eq!(index.len(), catalog().len() as u64);
}

#[test]
fn upsert_adds_new_items_and_last_copy_wins() {
    let index = index();
    let mut first = catalog()[5].clone();
    first.code = "430100-0199999".into();
    first.name = "粮食收购资格认定".into();
    let mut second = first.clone();
    second.name = "农作物种子生产经营许可".into();
    index.upsert(&[first, second]).unwrap();

    assert_eq!(index.len(), catalog().len() as u64 + 1);
    assert_eq!(index.search(&text("粮食收购")).unwrap().1, 0);
    let (hits, _) = index.search(&text("种子")).unwrap();
    assert_eq!(hits[0].code, "430100-0199999");
}

#[test]
fn remove_deletes_items() {
    let index = index();
    index
        .remove(&["430100-0100005".to_string(), "no-such-code".to_string()])
        .unwrap();
    assert_eq!(index.len(), catalog().len() as u64 - 1);
    let (hits, _) = index.search(&text("烟草专卖零售许可")).unwrap();
    assert!(hits.iter().all(|h| h.code != "430100-0100005"));
    index.remove(&[]).unwrap();
    index.upsert(&[]).unwrap();
}

#[test]
fn rebuild_replaces_everything() {
    let index = index();
    index.rebuild(catalog().into_iter().take(3)).unwrap();
    assert_eq!(index.len(), 3);
    assert_eq!(index.search(&text("结婚登记")).unwrap().1, 0);
    index.rebuild(Vec::new()).unwrap();
    assert!(index.is_empty());
    assert_eq!(index.search(&text("结婚登记")).unwrap(), (vec![], 0));
}

#[test]
fn garbage_input_never_errors() {
    let index = index();
    let long = "许可(".repeat(5_000);
    let inputs = [
        "AND OR ((( ::: *",
        "\"",
        "*",
        "\\",
        "name:食品",
        "+-!^~[]{}",
        "食品 AND NOT 许可",
        "\u{0}",
        "   ",
        "🍜🚬",
        "'; DROP TABLE items; --",
        "ＡＮＤ（（（",
        &long,
    ];
    for input in inputs {
        let q = SearchQuery {
            division: Some("430100"),
            ..text(input)
        };
        assert!(index.search(&text(input)).is_ok(), "{input:?}");
        assert!(index.search(&q).is_ok(), "{input:?}");
    }
    // Query syntax is not syntax here: the words still count as words.
    assert_eq!(top(&index, &text("name:食品经营许可"))[0], "食品经营许可");
}

#[test]
fn empty_text_lists_all_in_code_order() {
    let index = index();
    let q = SearchQuery {
        limit: 100,
        ..Default::default()
    };
    let (hits, total) = index.search(&q).unwrap();
    let mut codes: Vec<_> = catalog().into_iter().map(|d| d.code).collect();
    codes.sort();
    assert_eq!(total, codes.len());
    assert_eq!(hits.into_iter().map(|h| h.code).collect::<Vec<_>>(), codes);
}

#[test]
fn pagination_and_total() {
    let index = index();
    for text in ["", "许可"] {
        let all = SearchQuery {
            text,
            limit: 100,
            ..Default::default()
        };
        let (everything, total) = index.search(&all).unwrap();
        assert_eq!(everything.len(), total);
        let mut paged = Vec::new();
        for offset in (0..total + 7).step_by(7) {
            let q = SearchQuery {
                text,
                offset,
                limit: 7,
                ..Default::default()
            };
            let (page, page_total) = index.search(&q).unwrap();
            assert_eq!(page_total, total, "{text:?} @ {offset}");
            assert!(page.len() <= 7);
            paged.extend(page.into_iter().map(|h| h.code));
        }
        let everything: Vec<_> = everything.into_iter().map(|h| h.code).collect();
        assert_eq!(paged, everything, "{text:?}");
    }
}

#[test]
fn degenerate_pages() {
    let index = index();
    let n = catalog().len();
    let q = SearchQuery {
        limit: 0,
        ..text("许可")
    };
    let (hits, total) = index.search(&q).unwrap();
    assert!(hits.is_empty());
    assert!(total > 0);
    let q = SearchQuery {
        offset: usize::MAX,
        limit: usize::MAX,
        ..Default::default()
    };
    assert_eq!(index.search(&q).unwrap(), (vec![], n));
    let q = SearchQuery {
        offset: 1,
        limit: usize::MAX,
        ..Default::default()
    };
    assert_eq!(index.search(&q).unwrap().0.len(), n - 1);
}

#[test]
fn scores_are_best_first() {
    let (hits, _) = index().search(&text("开饭店")).unwrap();
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(hits.iter().all(|h| h.score > 0.0));
}

#[test]
fn shared_across_threads_while_writing() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SearchIndex>();

    let index = Arc::new(index());
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let index = Arc::clone(&index);
            std::thread::spawn(move || {
                for _ in 0..50 {
                    let (hits, _) = index.search(&text("卖烟")).unwrap();
                    assert_eq!(hits[0].code, "430100-0100005");
                }
            })
        })
        .collect();
    for i in 0..5 {
        let mut doc = catalog()[9].clone();
        doc.materials.push(format!("材料{i}"));
        index.upsert(&[doc]).unwrap();
    }
    for r in readers {
        r.join().unwrap();
    }
    assert_eq!(index.len(), catalog().len() as u64);
}

#[test]
fn words_only_in_materials_do_not_count_as_matches() {
    let index = index();
    // 结婚证 is a material of 生育登记 and 离婚登记; neither is about marrying.
    let (hits, total) = index.search(&text("结婚")).unwrap();
    assert_eq!(total, 1, "{hits:?}");
    assert_eq!(hits[0].code, "430100-0100009");
}

#[test]
fn materials_and_department_are_a_fallback() {
    let index = index();
    // No item is named after a material or a department, yet both find items.
    let (hits, total) = index.search(&text("营业执照")).unwrap();
    assert!(total >= 10, "{hits:?}");
    let names = top(&index, &text("民政局"));
    assert!(names.contains(&"结婚登记".to_string()), "{names:?}");
}

#[test]
fn punctuation_only_matches_nothing() {
    let index = index();
    for input in ["((( ::: )))", "？！。，", "---"] {
        assert_eq!(
            index.search(&text(input)).unwrap(),
            (vec![], 0),
            "{input:?}"
        );
    }
}

#[test]
fn alias_matches_are_not_drowned_by_items_without_aliases() {
    // Most real items have no alias. The alias match must still weigh about
    // as much as a name match, not vanish under BM25 length normalization.
    let mut docs: Vec<SearchDoc> = (0..300)
        .map(|i| {
            let mut d = catalog()[i % 20].clone();
            d.code = format!("filler-{i:03}");
            d.aliases.clear();
            d
        })
        .collect();
    let mut alias = catalog()[6].clone();
    alias.code = "alias".into();
    alias.name = "新生儿证件".into();
    alias.aliases = vec!["婴儿出生证".into()];
    let mut named = catalog()[6].clone();
    named.code = "named".into();
    named.name = "出生证补发".into();
    docs.extend([alias, named]);
    let index = SearchIndex::new().unwrap();
    index.rebuild(docs).unwrap();

    let q = SearchQuery {
        limit: 400,
        ..text("出生证")
    };
    let (hits, _) = index.search(&q).unwrap();
    let score = |code: &str| hits.iter().find(|h| h.code == code).map(|h| h.score);
    let (alias, named) = (score("alias").unwrap(), score("named").unwrap());
    // A name match also counts as a title match, so it should lead, by a
    // bounded factor.
    assert!(alias > 0.2 * named, "alias {alias} vs name {named}");
}

/// Queries that exercise every part of the ranked path: aliases, synonym
/// phrases, exact names, k-of-n word groups, words common to most items.
const RANKING_PROBES: &[&str] = &[
    "开饭店",
    "食品经营许可",
    "卖烟",
    "生孩子要办什么",
    "结婚登记 怎么办",
    "许可",
    "登记",
    "证明 许可 食品 经营 登记",
    "出生",
    "公积金",
    "住房公积金提取",
    "name:食品经营许可",
];

fn ranking_filters() -> Vec<SearchQuery<'static>> {
    vec![
        SearchQuery::default(),
        SearchQuery {
            division: Some("430100"),
            ..Default::default()
        },
        SearchQuery {
            zero_trip: true,
            channel: Some("web"),
            ..Default::default()
        },
        SearchQuery {
            department_id: Some(SCJG.1),
            ..Default::default()
        },
    ]
}

/// An index whose items are spread over several segments, some deleted, as
/// after a day of edits.
fn edited_index() -> SearchIndex {
    let index = index();
    for doc in catalog().into_iter().step_by(4) {
        index.upsert(&[doc]).unwrap();
    }
    let mut extra = catalog()[1].clone();
    extra.code = "430100-0100101".into();
    index.upsert(&[extra]).unwrap();
    index.remove(&["430100-0100003".to_string()]).unwrap();
    assert!(index.tantivy_searcher().segment_readers().len() > 1);
    index
}

#[test]
fn short_pages_are_slices_of_the_full_ranking() {
    // A page of all matches never fills, so nothing is pruned; a short page
    // prunes hard. Both must agree, ties included.
    for index in [index(), edited_index()] {
        for filter in ranking_filters() {
            for text in RANKING_PROBES {
                let all = SearchQuery {
                    text,
                    limit: 1_000,
                    ..filter.clone()
                };
                let (full, total) = index.search(&all).unwrap();
                for (offset, limit) in [(0, 1), (0, 2), (0, 3), (1, 1), (2, 3), (4, 5), (0, 10)] {
                    let q = SearchQuery {
                        offset,
                        limit,
                        ..all.clone()
                    };
                    let (page, page_total) = index.search(&q).unwrap();
                    let end = (offset + limit).min(full.len());
                    let expected = full.get(offset..end).unwrap_or_default();
                    assert_eq!(page_total, total, "{text:?} {filter:?}");
                    assert_eq!(page, expected, "{text:?} {filter:?} @{offset}+{limit}");
                }
            }
        }
    }
}

/// The tantivy boolean query that means what `TextQuery` documents: groups
/// decide membership, a gated clause adds only under its satisfied group.
fn as_boolean(q: &crate::query::TextQuery) -> Box<dyn tantivy::query::Query> {
    use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
    use tantivy::schema::IndexRecordOption;

    let scored = |c: &crate::query::Clause| -> (Occur, Box<dyn Query>) {
        let term = TermQuery::new(c.term.clone(), c.record);
        (
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(term), c.boost)),
        )
    };
    let mut groups: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (g, group) in q.groups.iter().enumerate() {
        let slots = group
            .slots
            .iter()
            .map(|slot| {
                let any = slot
                    .iter()
                    .map(|&c| {
                        let term =
                            TermQuery::new(q.clauses[c].term.clone(), IndexRecordOption::Basic);
                        (Occur::Should, Box::new(term) as Box<dyn Query>)
                    })
                    .collect();
                (
                    Occur::Should,
                    Box::new(BooleanQuery::new(any)) as Box<dyn Query>,
                )
            })
            .collect();
        let holds = BooleanQuery::with_minimum_required_clauses(slots, group.min);
        let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(holds), 0.0)),
        )];
        parts.extend(q.clauses.iter().filter(|c| c.gate == Some(g)).map(scored));
        groups.push((Occur::Should, Box::new(BooleanQuery::new(parts))));
    }
    let mut top: Vec<(Occur, Box<dyn Query>)> =
        vec![(Occur::Must, Box::new(BooleanQuery::new(groups)))];
    top.extend(q.clauses.iter().filter(|c| c.gate.is_none()).map(scored));
    for term in &q.filters {
        let term = TermQuery::new(term.clone(), IndexRecordOption::Basic);
        top.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(term), 0.0)),
        ));
    }
    Box::new(BooleanQuery::new(top))
}

#[test]
fn runner_agrees_with_the_equivalent_boolean_query() {
    use tantivy::collector::{Count, TopDocs};

    let fields = crate::schema::build().1;
    for index in [index(), edited_index()] {
        let searcher = index.tantivy_searcher();
        for filter in ranking_filters() {
            for text in RANKING_PROBES {
                let q = SearchQuery {
                    text,
                    ..filter.clone()
                };
                let crate::query::Plan::Ranked { strict, .. } = crate::query::plan(&fields, &q)
                else {
                    panic!("{text:?} is a ranked query");
                };
                let ours = crate::rank::run(&searcher, &strict, 0, 1_000).unwrap();
                let top = TopDocs::with_limit(1_000).order_by_score();
                let (theirs, total) = searcher
                    .search(as_boolean(&strict).as_ref(), &(top, Count))
                    .unwrap();
                assert_eq!(ours.total, total, "{text:?} {filter:?}");
                let by_doc: HashMap<_, _> = theirs.iter().map(|(s, a)| (*a, *s)).collect();
                assert_eq!(ours.page.len(), theirs.len(), "{text:?} {filter:?}");
                for (score, addr) in &ours.page {
                    let expected = by_doc[addr];
                    // The same per-term scores, summed in another order.
                    assert!(
                        (score - expected).abs() <= 1e-5 * expected,
                        "{text:?} {filter:?} {addr:?}: {score} vs {expected}"
                    );
                }
            }
        }
    }
}
