//! The departments of 2017 at each level, and the one table that maps a power's
//! field (a "family": 交通运输, 卫生计生 …) to the body that exercised it at the
//! province, in a city and in a county.
//!
//! # The 46 provincial departments
//!
//! `data/hunan_departments_2017.csv` lists 68 provincial bodies. The demo lists
//! the 46 that hold administrative powers towards citizens and enterprises:
//!
//! * the 22 组成部门 other than 省人民政府办公厅 (no external powers) and 省监察厅
//!   (merged into the supervisory commission in 2018; its powers are over
//!   officials, not the public);
//! * 省国资委 (直属特设机构);
//! * 12 of the 14 直属机构, leaving out 省机关事务管理局 and 省扶贫开发办公室
//!   (internal service and programme coordination, no licensing or enforcement);
//! * 8 部门管理机构 with licensing or enforcement powers: 粮食局, 畜牧水产局,
//!   中医药管理局, 文物局, 煤炭管理局, 国防科技工业局, 测绘地理信息局 and 外国专家局
//!   (外国人来华工作许可 in 2017), leaving out 监狱管理局, 戒毒管理局 and 公务员局
//!   (their powers are over inmates and civil servants);
//! * 省政府法制办公室 (行政复议) and 省政府金融工作办公室 (小额贷款公司、融资性担保
//!   公司 approvals), and 省邮政管理局, a vertically managed body whose 快递业务
//!   经营许可 the demo's provincial list carries.
//!
//! Left out besides: 研究室, 参事室, 发展研究中心, 信访局, 供销合作总社, 地质矿产勘查
//! 开发局, 国家税务局, 气象局, 烟草专卖局, 通信管理局, 水库移民开发管理局, 口岸办公室,
//! 地方志编纂委员会办公室, 档案局, 地震局 (vertical, 事业单位, or without powers over
//! the public at provincial level in the demo).
//!
//! # Cities and counties
//!
//! A city or county department's `kind` is its name without the division
//! (`长沙市市场监督管理局` → `市场监督管理局`), as the domain requires. Cities and
//! counties had merged 工商/质监/食药监 into 市场监督管理局 by 2017, and had 文化广电
//! 新闻出版局 (counties 文体广电新闻出版局) where the province keeps 文化厅, 新闻出版
//! 广电局 and 文物局 apart. Where the province's body is a 厅 the city's is a 局, so
//! those kinds differ and a 厅's power cannot be delegated by equal kind; the
//! demo delegates only from departments whose kind every city shares.

use std::collections::HashMap;

use bianli_domain::catalog::Department;
use bianli_domain::division::{Division, DivisionCode, Level};

/// A field of powers and the body that exercises it at each level.
pub(crate) struct Family {
    pub key: &'static str,
    pub province: Option<&'static str>,
    pub city: Option<&'static str>,
    pub county: Option<&'static str>,
}

impl Family {
    /// The department kind exercising this field at `level`, if any.
    pub(crate) fn kind_at(&self, level: Level) -> Option<&'static str> {
        match level {
            Level::Province => self.province,
            Level::City => self.city,
            Level::County => self.county,
        }
    }
}

const fn f(
    key: &'static str,
    province: Option<&'static str>,
    city: Option<&'static str>,
    county: Option<&'static str>,
) -> Family {
    Family {
        key,
        province,
        city,
        county,
    }
}

/// Every family, the 46 provincial ones first (in the order of the 2017 list),
/// then the fields that only cities and counties list.
#[rustfmt::skip]
pub(crate) const FAMILIES: &[Family] = &[
    f("发改", Some("发展和改革委员会"), Some("发展和改革委员会"), Some("发展和改革局")),
    f("经信", Some("经济和信息化委员会"), Some("经济和信息化委员会"), Some("经济和信息化局")),
    f("教育", Some("教育厅"), Some("教育局"), Some("教育局")),
    f("科技", Some("科学技术厅"), Some("科学技术局"), Some("科学技术局")),
    f("民宗", Some("民族宗教事务委员会"), Some("民族宗教事务委员会"), Some("民族宗教事务局")),
    f("公安", Some("公安厅"), Some("公安局"), Some("公安局")),
    f("民政", Some("民政厅"), Some("民政局"), Some("民政局")),
    f("司法", Some("司法厅"), Some("司法局"), Some("司法局")),
    f("财政", Some("财政厅"), Some("财政局"), Some("财政局")),
    f("人社", Some("人力资源和社会保障厅"), Some("人力资源和社会保障局"), Some("人力资源和社会保障局")),
    f("国土", Some("国土资源厅"), Some("国土资源局"), Some("国土资源局")),
    f("环保", Some("环境保护厅"), Some("环境保护局"), Some("环境保护局")),
    f("住建", Some("住房和城乡建设厅"), Some("住房和城乡建设局"), Some("住房和城乡建设局")),
    f("交通", Some("交通运输厅"), Some("交通运输局"), Some("交通运输局")),
    f("水利", Some("水利厅"), Some("水利局"), Some("水利局")),
    f("农业", Some("农业委员会"), Some("农业委员会"), Some("农业局")),
    f("林业", Some("林业厅"), Some("林业局"), Some("林业局")),
    f("商务", Some("商务厅"), Some("商务局"), Some("商务局")),
    f("文化", Some("文化厅"), Some("文化广电新闻出版局"), Some("文体广电新闻出版局")),
    f("卫计", Some("卫生和计划生育委员会"), Some("卫生和计划生育委员会"), Some("卫生和计划生育局")),
    f("审计", Some("审计厅"), Some("审计局"), Some("审计局")),
    f("外侨", Some("人民政府外事侨务办公室"), Some("人民政府外事侨务办公室"), None),
    f("国资", Some("人民政府国有资产监督管理委员会"), Some("人民政府国有资产监督管理委员会"), None),
    f("地税", Some("地方税务局"), Some("地方税务局"), Some("地方税务局")),
    f("工商", Some("工商行政管理局"), Some("市场监督管理局"), Some("市场监督管理局")),
    f("质监", Some("质量技术监督局"), Some("市场监督管理局"), Some("市场监督管理局")),
    f("新广", Some("新闻出版广电局"), Some("文化广电新闻出版局"), Some("文体广电新闻出版局")),
    f("体育", Some("体育局"), Some("体育局"), Some("文体广电新闻出版局")),
    f("安监", Some("安全生产监督管理局"), Some("安全生产监督管理局"), Some("安全生产监督管理局")),
    f("食药", Some("食品药品监督管理局"), Some("市场监督管理局"), Some("市场监督管理局")),
    f("统计", Some("统计局"), Some("统计局"), Some("统计局")),
    f("旅游", Some("旅游发展委员会"), Some("旅游局"), Some("旅游局")),
    f("物价", Some("物价局"), Some("物价局"), Some("物价局")),
    f("人防", Some("人民防空办公室"), Some("人民防空办公室"), Some("人民防空办公室")),
    f("知识产权", Some("知识产权局"), Some("知识产权局"), None),
    f("粮食", Some("粮食局"), Some("粮食局"), Some("粮食局")),
    f("畜牧水产", Some("畜牧水产局"), Some("畜牧水产局"), Some("畜牧水产局")),
    f("中医药", Some("中医药管理局"), Some("卫生和计划生育委员会"), Some("卫生和计划生育局")),
    f("文物", Some("文物局"), Some("文化广电新闻出版局"), Some("文体广电新闻出版局")),
    f("煤炭", Some("煤炭管理局"), Some("经济和信息化委员会"), Some("经济和信息化局")),
    f("国防科工", Some("国防科技工业局"), Some("经济和信息化委员会"), None),
    f("测绘", Some("测绘地理信息局"), Some("国土资源局"), Some("国土资源局")),
    f("法制", Some("人民政府法制办公室"), Some("人民政府法制办公室"), Some("人民政府法制办公室")),
    f("金融", Some("人民政府金融工作办公室"), Some("人民政府金融工作办公室"), None),
    f("外专", Some("外国专家局"), Some("科学技术局"), None),
    f("邮政", Some("邮政管理局"), Some("邮政管理局"), None),
    // Fields only cities and counties list.
    f("消防", None, Some("公安消防支队"), Some("公安消防大队")),
    f("规划", None, Some("城乡规划局"), Some("住房和城乡建设局")),
    f("城管", None, Some("城市管理和行政执法局"), Some("城市管理和行政执法局")),
    f("公积金", None, Some("住房公积金管理中心"), None),
    f("烟草", None, Some("烟草专卖局"), Some("烟草专卖局")),
    f("残联", None, Some("残疾人联合会"), Some("残疾人联合会")),
    f("档案", None, Some("档案局"), Some("档案局")),
    f("气象", None, Some("气象局"), Some("气象局")),
];

/// The family's position in [`FAMILIES`].
pub(crate) fn family_index(key: &str) -> usize {
    FAMILIES
        .iter()
        .position(|f| f.key == key)
        .unwrap_or_else(|| panic!("embedded data: `{key}` is a family"))
}

/// The family of a row of `common_items.csv`, whose `department_kind` uses the
/// post-2018 names, mapped to the 2017 body (the item's name settles the cases
/// one 2018 department took from several 2017 ones).
pub(crate) fn family_of_row(department_kind: &str, name: &str) -> Option<&'static str> {
    let has = |keys: &[&str]| keys.iter().any(|k| name.contains(k));
    Some(match department_kind {
        // 2018's 市场监管 merged 工商, 质监 and 食药监; the province still had all three.
        "市场监督管理局" => {
            if has(&["药品", "医疗器械"]) || name.starts_with("食品") {
                "食药"
            } else if has(&["特种设备", "计量", "检验检测", "工业产品"]) {
                "质监"
            } else {
                "工商"
            }
        }
        "公安局" => "公安",
        // 公安消防 was part of the police until 2018.
        "消防救援机构" => "消防",
        "民政局" => "民政",
        // Disaster relief was 民政's before 应急管理 existed; the rest was 安监's.
        "应急管理局" => {
            if name == "受灾人员救助" {
                "民政"
            } else {
                "安监"
            }
        }
        "卫生健康委员会" => "卫计",
        "住房和城乡建设局" => "住建",
        "城市管理局" => "城管",
        "人民防空办公室" => "人防",
        // 自然资源 merged 国土 and 规划 (规划 sat in its own bureau in cities, in
        // 住建 in counties).
        "自然资源局" => {
            if has(&["规划", "选址"]) {
                "规划"
            } else {
                "国土"
            }
        }
        "生态环境局" => "环保",
        "交通运输局" => "交通",
        "文化和旅游局" => {
            if has(&["旅行社", "导游"]) {
                "旅游"
            } else {
                "文化"
            }
        }
        "文物局" => "文物",
        "新闻出版广电局" => "新广",
        // 2017 had no 医保局: medical insurance was run by 人社.
        "人力资源和社会保障局" | "医疗保障局" => "人社",
        "科学技术局（外国专家局）" => "外专",
        "科学技术局" => "科技",
        "住房公积金管理中心" => "公积金",
        "烟草专卖局" => "烟草",
        "教育局" => "教育",
        // Animal health and fisheries were 畜牧水产局's; crops and machinery 农委's.
        "农业农村局" => {
            if has(&["动物", "兽药", "畜禽", "渔业", "水域滩涂", "水产"]) {
                "畜牧水产"
            } else {
                "农业"
            }
        }
        "林业局" => "林业",
        "水利局" => "水利",
        "商务局" => "商务",
        "司法局" => "司法",
        // Before the 2018 merger the demo gives these to 地方税务局.
        "税务局" => "地税",
        "体育局" => "体育",
        "残疾人联合会" => "残联",
        // 退役军人事务 was 民政's (优抚安置).
        "退役军人事务局" => "民政",
        "发展和改革委员会" => "发改",
        "粮食和物资储备局" => "粮食",
        "民族宗教事务局" => "民宗",
        "气象局" => "气象",
        "邮政管理局" => "邮政",
        "档案局" => "档案",
        _ => return None,
    })
}

/// Every department with its id, and a lookup by division and kind.
pub(crate) struct Directory {
    pub departments: Vec<Department>,
    index: HashMap<(DivisionCode, &'static str), i64>,
}

impl Directory {
    /// Ids 1..=N in division order (the reference file's), and within a division
    /// in [`FAMILIES`] order, each kind once.
    pub(crate) fn build(divisions: &[Division]) -> Directory {
        let mut departments = Vec::new();
        let mut index = HashMap::new();
        for d in divisions {
            for fam in FAMILIES {
                let Some(kind) = fam.kind_at(d.level) else {
                    continue;
                };
                let key = (d.code.clone(), kind);
                if index.contains_key(&key) {
                    continue;
                }
                let id = departments.len() as i64 + 1;
                index.insert(key, id);
                departments.push(Department {
                    id,
                    name: format!("{}{kind}", d.name),
                    kind: kind.to_string(),
                    division: d.code.clone(),
                });
            }
        }
        Directory { departments, index }
    }

    pub(crate) fn id(&self, division: &DivisionCode, kind: &'static str) -> Option<i64> {
        self.index.get(&(division.clone(), kind)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::divisions;

    const LIST_2017: &str = include_str!("../../../data/hunan_departments_2017.csv");

    #[test]
    fn the_province_has_46_real_2017_departments() {
        let dir = Directory::build(&divisions::load());
        let province: Vec<&Department> = dir
            .departments
            .iter()
            .filter(|d| d.division.as_str() == "430000")
            .collect();
        assert_eq!(province.len(), 46);
        let names: Vec<&str> = LIST_2017
            .lines()
            .skip(1)
            .filter_map(|l| l.split(',').next())
            .collect();
        for d in &province {
            assert!(
                names.contains(&d.name.as_str()),
                "{} is not in the 2017 list",
                d.name
            );
            assert_eq!(format!("湖南省{}", d.kind), d.name);
        }
        assert!(province.iter().any(|d| d.name == "湖南省工商行政管理局"));
        assert!(province.iter().any(|d| d.name == "湖南省质量技术监督局"));
        assert!(
            province
                .iter()
                .any(|d| d.name == "湖南省食品药品监督管理局")
        );
    }

    #[test]
    fn cities_and_counties_have_merged_market_regulators() {
        let dir = Directory::build(&divisions::load());
        assert!(
            dir.departments
                .iter()
                .any(|d| d.name == "长沙市市场监督管理局")
        );
        assert!(
            dir.departments
                .iter()
                .any(|d| d.name == "芙蓉区市场监督管理局")
        );
        assert!(
            !dir.departments
                .iter()
                .any(|d| d.name == "长沙市工商行政管理局")
        );
        let ids: Vec<i64> = dir.departments.iter().map(|d| d.id).collect();
        assert_eq!(ids, (1..=dir.departments.len() as i64).collect::<Vec<_>>());
    }
}
