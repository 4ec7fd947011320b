//! The decrees (决定) that shape the list from the 2014 baseline to June 2017,
//! and the choice of what each cancels, merges or delegates.
//!
//! # Numbers and titles: all demo
//!
//! None of the document numbers below is a real 文号: each uses a serial in the
//! 900s, which 湘政发 never reached in a year, and every title ends in （演示）.
//! The sizes follow the reform as described to the project (a baseline cut by
//! about a third by 2017; 137 provincial licences cancelled and 23 investment
//! approvals cut in 2016; an April 2017 decree of 36 adjustments across 10
//! provincial departments), but which items each decree touches is demo data,
//! except the three items the April 2017 decree is known for, named below.
//!
//! | number | title | effective |
//! | --- | --- | --- |
//! | 湘政发〔2014〕901号 | 湖南省行政权力清单（2014年版）（演示） | 2014-12-31 |
//! | 湘政发〔2015〕901号 | 第一批清理结果（省市县三级，取消）（演示） | 2015-07-01 |
//! | 湘政发〔2015〕902号 | 第二批清理结果（省市县三级，取消与合并）（演示） | 2016-01-01 |
//! | 湘政发〔2016〕901号 | 取消137项省级行政许可事项（演示） | 2016-07-01 |
//! | 湘政发〔2016〕902号 | 取消23项投资项目审批事项（演示） | 2016-11-01 |
//! | 湘政发〔2017〕901号 | 取消和调整一批省级行政权力事项（演示） | 2017-04-15 |

use std::collections::{BTreeMap, BTreeSet};

use bianli_domain::catalog::{
    Adjustment, DecreeInput, Item, ItemCode, ItemKind, LegalBasis, NewDecree,
};
use bianli_domain::division::{Division, Level};

use crate::DemoDecree;
use crate::departments::{Directory, FAMILIES, family_index};
use crate::generated::{self, CATS};
use crate::powers::{Origin, Power};
use crate::prng::Rng;

/// Items in force at the province after the April 2017 decree.
pub(crate) const PROVINCE_IN_FORCE_2017: usize = 3722;

/// A licence a reform decree names, listed at the province in 2014.
pub(crate) struct Special {
    pub name: &'static str,
    pub family: &'static str,
    pub law: &'static str,
}

const fn s(name: &'static str, family: &'static str, law: &'static str) -> Special {
    Special { name, family, law }
}

const INVEST: &str = "《国务院关于投资体制改革的决定》";

/// The three items the April 2017 decree cancels by name.
pub(crate) const APRIL_NAMED: [Special; 3] = [
    s(
        "机动车驾驶培训教练员从业资格认定",
        "交通",
        "《中华人民共和国道路运输条例》",
    ),
    s("直销企业产品审批", "商务", "《直销管理条例》"),
    s("市县级电视台变更台标", "新广", "《广播电视管理条例》"),
];

/// The 23 investment-project approvals the 2016 decree cuts.
#[rustfmt::skip]
pub(crate) const INVESTMENT: [Special; 23] = [
    s("企业投资水电站项目核准", "发改", INVEST),
    s("企业投资火电站项目核准", "发改", INVEST),
    s("企业投资热电站项目核准", "发改", INVEST),
    s("企业投资风电站项目核准", "发改", INVEST),
    s("企业投资电网工程项目核准", "发改", INVEST),
    s("企业投资煤矿项目核准", "发改", INVEST),
    s("企业投资输油管网项目核准", "发改", INVEST),
    s("企业投资输气管网项目核准", "发改", INVEST),
    s("企业投资液化石油气接收、存储设施项目核准", "发改", INVEST),
    s("企业投资城市快速轨道交通项目核准", "发改", INVEST),
    s("企业投资民用机场项目核准", "发改", INVEST),
    s("企业投资旅游开发项目核准", "发改", INVEST),
    s("企业投资城市供水项目核准", "发改", INVEST),
    s("企业投资城市燃气项目核准", "发改", INVEST),
    s("政府投资项目建议书审批", "发改", INVEST),
    s("政府投资项目可行性研究报告审批", "发改", INVEST),
    s("企业投资技术改造项目核准", "经信", INVEST),
    s("企业投资稀土冶炼分离项目核准", "经信", INVEST),
    s("企业投资钢铁项目核准", "经信", INVEST),
    s("公路建设项目初步设计审批", "交通", "《中华人民共和国公路法》"),
    s("内河航运建设项目初步设计审批", "交通", "《中华人民共和国航道法》"),
    s("水利工程建设项目初步设计审批", "水利", "《中华人民共和国水法》"),
    s("中型水库建设项目初步设计审批", "水利", "《中华人民共和国水法》"),
];

/// The April 2017 decree's other cancellations, per department (with the three
/// named ones: 交通 5, 商务 4, 新广 4 … 26 in all).
const APRIL_CANCELS: [(&str, usize); 10] = [
    ("交通", 4),
    ("商务", 3),
    ("新广", 3),
    ("发改", 3),
    ("经信", 2),
    ("卫计", 2),
    ("安监", 1),
    ("国土", 1),
    ("住建", 2),
    ("农业", 2),
];
/// Delegations to the cities: only from departments whose kind every city shares.
const APRIL_DELEGATES: [(&str, usize); 4] = [("发改", 2), ("卫计", 1), ("安监", 2), ("农业", 1)];
/// Merges of two items into one.
const APRIL_MERGES: [(&str, usize); 3] = [("经信", 1), ("国土", 2), ("住建", 1)];

/// The number of 2016 licensing cancellations.
const LICENSING_2016: usize = 137;

struct Header {
    number: &'static str,
    title: &'static str,
    issued: &'static str,
    effective: &'static str,
}

#[rustfmt::skip]
const HEADERS: [Header; 6] = [
    Header { number: "湘政发〔2014〕901号", title: "湖南省行政权力清单（2014年版）（演示）", issued: "2014-12-31", effective: "2014-12-31" },
    Header { number: "湘政发〔2015〕901号", title: "湖南省人民政府关于公布省市县三级行政权力清单第一批清理结果的决定（演示）", issued: "2015-06-20", effective: "2015-07-01" },
    Header { number: "湘政发〔2015〕902号", title: "湖南省人民政府关于取消和合并一批省市县三级行政权力事项的决定（演示）", issued: "2015-12-25", effective: "2016-01-01" },
    Header { number: "湘政发〔2016〕901号", title: "湖南省人民政府关于取消137项省级行政许可事项的决定（演示）", issued: "2016-06-20", effective: "2016-07-01" },
    Header { number: "湘政发〔2016〕902号", title: "湖南省人民政府关于取消23项投资项目核准和审批事项的决定（演示）", issued: "2016-10-20", effective: "2016-11-01" },
    Header { number: "湘政发〔2017〕901号", title: "湖南省人民政府关于取消和调整一批省级行政权力事项的决定（演示）", issued: "2017-04-10", effective: "2017-04-15" },
];

fn header(h: &Header) -> NewDecree {
    DecreeInput {
        number: h.number.to_string(),
        title: h.title.to_string(),
        issued_on: h.issued.to_string(),
        effective_on: h.effective.to_string(),
    }
    .parse()
    .unwrap_or_else(|e| panic!("embedded data: decree {}: {e}", h.number))
}

/// One division's list: the powers it holds in 2014, each marked once chosen
/// for an adjustment.
struct Listing<'a> {
    division: &'a Division,
    /// The department of each family here, by family index.
    departments: Vec<Option<i64>>,
    powers: Vec<usize>,
    taken: Vec<bool>,
}

/// Two slots merged into the first, under a new name.
struct Merge {
    first: usize,
    second: usize,
    name: String,
}

/// What one division's clean-up does.
#[derive(Default)]
struct Cleanup {
    first: Vec<usize>,
    merges: Vec<Merge>,
    second: Vec<usize>,
}

struct Builder<'a> {
    powers: &'a [Power],
    directory: &'a Directory,
}

impl Builder<'_> {
    fn item(&self, listing: &Listing, slot: usize) -> Item {
        let p = &self.powers[listing.powers[slot]];
        let d = listing.division;
        let dept = listing.departments[p.family].unwrap_or_else(|| {
            panic!(
                "embedded data: {} has no body at {}",
                FAMILIES[p.family].key, d.name
            )
        });
        p.at(&d.code, dept)
    }

    fn code(&self, listing: &Listing, slot: usize) -> ItemCode {
        self.powers[listing.powers[slot]]
            .item
            .code
            .at(&listing.division.code)
    }

    fn merge(&self, listing: &Listing, m: &Merge) -> Adjustment {
        let a = self.item(listing, m.first);
        let b = self.item(listing, m.second);
        let mut legal_basis: Vec<LegalBasis> = a.legal_basis.clone();
        for l in b.legal_basis {
            if !legal_basis.contains(&l) {
                legal_basis.push(l);
            }
        }
        let codes = vec![a.code.clone(), b.code];
        let into = Item {
            name: m.name.clone(),
            legal_basis,
            ..a
        };
        Adjustment::Merge { codes, into }
    }

    /// The division's 2014 list: every power of its level, less a few generated
    /// ones a city or county never listed (not every county fishes or mines).
    fn listing<'d>(&self, division: &'d Division) -> Listing<'d> {
        let mut powers: Vec<usize> = (0..self.powers.len())
            .filter(|i| self.powers[*i].on(division.level))
            .collect();
        let max_drop = match division.level {
            Level::Province => 0,
            Level::City => 80,
            Level::County => 120,
        };
        if max_drop > 0 {
            let mut rng = Rng::for_label(&format!("baseline/{}", division.code));
            let mut generated: Vec<usize> = powers
                .iter()
                .copied()
                .filter(|i| self.powers[*i].is_generated())
                .collect();
            rng.shuffle(&mut generated);
            let dropped: BTreeSet<usize> = generated
                .into_iter()
                .take(rng.between(0, max_drop) as usize)
                .collect();
            powers.retain(|i| !dropped.contains(i));
        }
        let taken = vec![false; powers.len()];
        let departments = FAMILIES
            .iter()
            .map(|f| {
                f.kind_at(division.level)
                    .and_then(|k| self.directory.id(&division.code, k))
            })
            .collect();
        Listing {
            division,
            departments,
            powers,
            taken,
        }
    }

    /// Pairs of untaken generated items of one object that a merge may join.
    fn mergeable(&self, listing: &Listing, family: Option<usize>) -> Vec<Merge> {
        let mut groups: BTreeMap<(usize, usize, usize), Vec<(usize, usize)>> = BTreeMap::new();
        for (slot, pi) in listing.powers.iter().enumerate() {
            let p = &self.powers[*pi];
            if listing.taken[slot] || family.is_some_and(|f| f != p.family) {
                continue;
            }
            if let Origin::Generated {
                cat,
                object,
                template,
            } = p.origin
            {
                let c = CATS.iter().position(|x| *x == cat).unwrap_or(0);
                groups
                    .entry((p.family, c, object))
                    .or_default()
                    .push((template, slot));
            }
        }
        let mut out = Vec::new();
        for ((_, c, _), mut members) in groups {
            members.sort_unstable();
            let mut used = BTreeSet::new();
            for i in 0..members.len() {
                for j in i + 1..members.len() {
                    let ((t1, s1), (t2, s2)) = (members[i], members[j]);
                    if used.contains(&s1) || used.contains(&s2) {
                        continue;
                    }
                    let object = self.powers[listing.powers[s1]].object;
                    if let Some(name) = generated::merged_name(CATS[c], t1, t2, object) {
                        used.insert(s1);
                        used.insert(s2);
                        out.push(Merge {
                            first: s1,
                            second: s2,
                            name,
                        });
                    }
                }
            }
        }
        out
    }

    /// Up to `n` merges, marked taken.
    fn take_merges(
        &self,
        listing: &mut Listing,
        family: Option<usize>,
        n: usize,
        rng: &mut Rng,
    ) -> Vec<Merge> {
        let mut pairs = self.mergeable(listing, family);
        rng.shuffle(&mut pairs);
        pairs.truncate(n);
        for m in &pairs {
            listing.taken[m.first] = true;
            listing.taken[m.second] = true;
        }
        pairs.sort_by_key(|m| m.first);
        pairs
    }

    /// Exactly `n` untaken generated slots matching `pred`, marked taken.
    fn take(
        &self,
        listing: &mut Listing,
        n: usize,
        rng: &mut Rng,
        pred: impl Fn(&Power) -> bool,
    ) -> Vec<usize> {
        let mut eligible: Vec<usize> = (0..listing.powers.len())
            .filter(|s| !listing.taken[*s])
            .filter(|s| {
                let p = &self.powers[listing.powers[*s]];
                p.is_generated() && pred(p)
            })
            .collect();
        assert!(
            eligible.len() >= n,
            "embedded data: {} has {} candidates for {n} adjustments",
            listing.division.name,
            eligible.len()
        );
        rng.shuffle(&mut eligible);
        eligible.truncate(n);
        for s in &eligible {
            listing.taken[*s] = true;
        }
        eligible.sort_unstable();
        eligible
    }

    /// The slot of a special item by name.
    fn named(&self, listing: &mut Listing, name: &str) -> usize {
        let slot = listing
            .powers
            .iter()
            .position(|p| self.powers[*p].item.name == name)
            .unwrap_or_else(|| {
                panic!(
                    "embedded data: {name} is listed at {}",
                    listing.division.name
                )
            });
        listing.taken[slot] = true;
        slot
    }

    /// A clean-up removing `cut` items: about 55% cancelled in 2015, 15% merged
    /// away and the rest cancelled at the turn of 2016.
    fn cleanup(&self, listing: &mut Listing, cut: usize) -> Cleanup {
        let mut rng = Rng::for_label(&format!("cleanup/{}", listing.division.code));
        let merges = self.take_merges(listing, None, cut * 15 / 100, &mut rng);
        let first_n = cut * 55 / 100;
        let second_n = cut - first_n - merges.len();
        let mut cancels = self.take(listing, first_n + second_n, &mut rng, |_| true);
        rng.shuffle(&mut cancels);
        let mut second = cancels.split_off(first_n);
        let mut first = cancels;
        first.sort_unstable();
        second.sort_unstable();
        Cleanup {
            first,
            merges,
            second,
        }
    }
}

/// The in-force size a city or county reaches in 2017: about a third below its
/// baseline, within the band the province set (cities ~3,000, counties ~2,000).
fn target(division: &Division, baseline: usize) -> usize {
    let mut rng = Rng::for_label(&format!("target/{}", division.code));
    let cut_permille = rng.between(305, 335) as usize;
    let t = baseline * (1000 - cut_permille) / 1000;
    match division.level {
        Level::City => t.clamp(2930, 3070),
        _ => t.clamp(1930, 2070),
    }
}

pub(crate) fn decrees(
    divisions: &[Division],
    directory: &Directory,
    powers: &[Power],
) -> Vec<DemoDecree> {
    let b = Builder { powers, directory };
    let mut listings: Vec<Listing> = divisions.iter().map(|d| b.listing(d)).collect();
    let province = listings
        .iter()
        .position(|l| l.division.level == Level::Province)
        .expect("embedded data: the province");

    // The baseline.
    let baseline: Vec<Adjustment> = listings
        .iter()
        .flat_map(|l| (0..l.powers.len()).map(move |s| (l, s)))
        .map(|(l, s)| Adjustment::Add { item: b.item(l, s) })
        .collect();

    // The province's named reforms are chosen first, so the clean-up leaves them.
    let (april, licensing, investment) = {
        let l = &mut listings[province];
        let mut rng = Rng::for_label("reform/province");
        let mut merges = Vec::new();
        for (fam, n) in APRIL_MERGES {
            let got = b.take_merges(l, Some(family_index(fam)), n, &mut rng);
            assert_eq!(got.len(), n, "embedded data: {fam} has {n} mergeable pairs");
            merges.extend(got);
        }
        let mut delegates = Vec::new();
        for (fam, n) in APRIL_DELEGATES {
            let f = family_index(fam);
            delegates.extend(b.take(l, n, &mut rng, |p| {
                p.family == f
                    && p.levels == [true, false, false]
                    && p.item.kind == ItemKind::Licensing
            }));
        }
        let mut cancels: Vec<usize> = APRIL_NAMED.iter().map(|s| b.named(l, s.name)).collect();
        for (fam, n) in APRIL_CANCELS {
            let f = family_index(fam);
            cancels.extend(b.take(l, n, &mut rng, |p| p.family == f));
        }
        let investment: Vec<usize> = INVESTMENT.iter().map(|s| b.named(l, s.name)).collect();
        let licensing = b.take(l, LICENSING_2016, &mut rng, |p| {
            p.item.kind == ItemKind::Licensing
        });
        ((cancels, delegates, merges), licensing, investment)
    };

    // Each division's clean-up, sized to reach its 2017 target.
    let delegated_to_each_city = april.1.len();
    let cleanups: Vec<Cleanup> = listings
        .iter_mut()
        .map(|l| {
            let base = l.powers.len();
            let cut = match l.division.level {
                Level::Province => {
                    base - PROVINCE_IN_FORCE_2017
                        - LICENSING_2016
                        - INVESTMENT.len()
                        - april.0.len()
                        - april.1.len()
                        - april.2.len()
                }
                Level::City => base + delegated_to_each_city - target(l.division, base),
                Level::County => base - target(l.division, base),
            };
            b.cleanup(l, cut)
        })
        .collect();

    let mut first = Vec::new();
    let mut second = Vec::new();
    for (l, c) in listings.iter().zip(&cleanups) {
        first.extend(c.first.iter().map(|s| Adjustment::Cancel {
            code: b.code(l, *s),
        }));
        second.extend(c.merges.iter().map(|m| b.merge(l, m)));
        second.extend(c.second.iter().map(|s| Adjustment::Cancel {
            code: b.code(l, *s),
        }));
    }

    let p = &listings[province];
    let cancel = |s: &usize| Adjustment::Cancel {
        code: b.code(p, *s),
    };
    let licensing: Vec<Adjustment> = licensing.iter().map(cancel).collect();
    let investment: Vec<Adjustment> = investment.iter().map(cancel).collect();
    let mut april_adjustments: Vec<Adjustment> = april.0.iter().map(cancel).collect();
    april_adjustments.extend(april.1.iter().map(|s| Adjustment::Delegate {
        code: b.code(p, *s),
    }));
    april_adjustments.extend(april.2.iter().map(|m| b.merge(p, m)));

    [
        baseline,
        first,
        second,
        licensing,
        investment,
        april_adjustments,
    ]
    .into_iter()
    .zip(HEADERS.iter())
    .map(|(adjustments, h)| DemoDecree {
        decree: header(h),
        adjustments,
    })
    .collect()
}
