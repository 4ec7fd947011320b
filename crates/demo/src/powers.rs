//! The pool of powers (one per basic code) and the levels each is exercised at:
//! the real items, the special items the reform decrees name, and the
//! generated ones, sized so that the baseline comes out at Hunan's scale.

use std::collections::BTreeSet;

use bianli_domain::catalog::{BasicCode, DayCount, Item, ItemInput, ItemKind};
use bianli_domain::division::{DivisionCode, Level};

use crate::departments::{FAMILIES, family_index, family_of_row};
use crate::generated::{self, CATS, Cat};
use crate::materials::{self, Profile};
use crate::prng::Rng;
use crate::{items, reform};

/// Items at the province in the 2014 baseline (real, special and generated).
pub(crate) const PROVINCE_BASELINE: usize = 5474;
/// Items a city lists in 2014 before its own small variation (dropped below).
pub(crate) const CITY_FULL: usize = 4450;
/// Items a county lists in 2014 before its own variation.
pub(crate) const COUNTY_FULL: usize = 3000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    Real,
    /// Named by a reform decree (see [`reform`]).
    Special,
    Generated {
        cat: Cat,
        object: usize,
        template: usize,
    },
}

pub(crate) struct Power {
    /// Validated, placed at the province with department 1 until [`Power::at`].
    pub item: Item,
    pub family: usize,
    /// Province, city, county.
    pub levels: [bool; 3],
    pub origin: Origin,
    /// The generated item's object text (for merged names).
    pub object: &'static str,
}

impl Power {
    pub(crate) fn on(&self, level: Level) -> bool {
        self.levels[level_index(level)]
    }

    /// The power as exercised at `division` by `department_id`.
    pub(crate) fn at(&self, division: &DivisionCode, department_id: i64) -> Item {
        let mut item = self.item.clone();
        item.code = item.code.at(division);
        item.division = division.clone();
        item.department_id = department_id;
        item
    }

    pub(crate) fn is_generated(&self) -> bool {
        matches!(self.origin, Origin::Generated { .. })
    }
}

pub(crate) fn level_index(level: Level) -> usize {
    match level {
        Level::Province => 0,
        Level::City => 1,
        Level::County => 2,
    }
}

/// Serials per kind, from 1, in the order powers are made.
struct Serials([u32; 11]);

impl Serials {
    fn next(&mut self, kind: ItemKind) -> BasicCode {
        let i = usize::from(kind.number()) - 1;
        self.0[i] += 1;
        BasicCode::new(kind, self.0[i]).expect("embedded data: fewer than 100,000 items of a kind")
    }
}

fn place(mut input: ItemInput, basic: &BasicCode) -> Item {
    input.code = format!("430000-{basic}");
    input.division = "430000".to_string();
    input.department_id = 1;
    let name = input.name.clone();
    input
        .parse()
        .unwrap_or_else(|e| panic!("embedded data: item `{name}` is invalid: {e}"))
}

/// A generated candidate before it gets a code.
struct Candidate {
    name: String,
    kind: ItemKind,
    law: &'static str,
    object: &'static str,
    cat: Cat,
    object_index: usize,
    template: usize,
    profile: Profile,
}

fn candidates(family: usize, taken: &mut BTreeSet<String>) -> Vec<Candidate> {
    let key = FAMILIES[family].key;
    let subjects =
        generated::subjects(key).unwrap_or_else(|| panic!("embedded data: subjects of {key}"));
    let mut out = Vec::new();
    for cat in CATS {
        for (object_index, raw) in subjects.objects(cat).iter().enumerate() {
            let (object, law) = generated::split_object(subjects, raw);
            for (template, t) in generated::templates(cat).iter().enumerate() {
                // An object that is itself an activity (`风景名胜区内建设活动`) takes
                // the templates' `活动` once.
                let name = t.pattern.replace("{o}", object).replace("活动活动", "活动");
                if !taken.insert(name.clone()) {
                    continue;
                }
                out.push(Candidate {
                    name,
                    kind: t.kind,
                    law,
                    object,
                    cat,
                    object_index,
                    template,
                    profile: t.profile,
                });
            }
        }
    }
    Rng::for_label(&format!("candidates/{key}")).shuffle(&mut out);
    out
}

/// Splits `total` over families in proportion to their capacity (largest
/// remainder), never above a family's capacity.
fn allocate(total: usize, caps: &[usize]) -> Vec<usize> {
    let sum: usize = caps.iter().sum();
    assert!(
        total <= sum,
        "embedded data: {total} generated items wanted, {sum} possible"
    );
    let mut out: Vec<usize> = caps.iter().map(|c| total * c / sum.max(1)).collect();
    let mut rest: Vec<(usize, usize)> = caps
        .iter()
        .enumerate()
        .map(|(i, c)| ((total * c) % sum.max(1), i))
        .collect();
    rest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut missing = total - out.iter().sum::<usize>();
    for (_, i) in rest {
        if missing == 0 {
            break;
        }
        if out[i] < caps[i] {
            out[i] += 1;
            missing -= 1;
        }
    }
    out
}

/// Terms of service for a generated item: statutory limit, promise, visits, channels.
fn terms(c: &Candidate, rng: &mut Rng) -> (Option<(u16, DayCount)>, u16, u8, Vec<&'static str>) {
    use Profile as P;
    if c.kind == ItemKind::Licensing {
        // 行政许可法 §42: twenty working days unless a law says otherwise.
        let visits = if rng.percent(10) { 2 } else { 1 };
        let mut ch = vec!["hall", "web"];
        if rng.percent(30) {
            ch.push("mobile");
        }
        return (
            Some((20, DayCount::Working)),
            rng.pick(&[5, 7, 10, 12, 15]),
            visits,
            ch,
        );
    }
    match c.profile {
        // 行政强制法 §25: 查封、扣押 last at most 30 日.
        P::Coercion if c.name.starts_with("查封") => {
            (Some((30, DayCount::Calendar)), 20, 1, vec!["hall"])
        }
        P::Coercion => (None, 0, 1, vec!["hall"]),
        P::Penalty => (None, 30, 1, vec!["hall"]),
        P::Inspection => (None, rng.pick(&[10, 15, 20]), 1, vec!["hall"]),
        P::AnnualCheck => (None, rng.pick(&[5, 10]), 1, vec!["hall", "web"]),
        P::Reward | P::Honour => (None, rng.pick(&[15, 20, 30]), 1, vec!["hall", "web"]),
        P::Query => {
            let mut ch = vec!["hall", "web", "mobile"];
            if rng.percent(50) {
                ch.push("kiosk");
            }
            (None, 0, 0, ch)
        }
        P::Consult => (None, 0, 0, vec!["hall", "web", "mobile", "hotline"]),
        P::Complaint => (None, 7, 0, vec!["hall", "web", "mobile", "hotline"]),
        P::Levy => {
            let visits = if rng.percent(30) { 0 } else { 1 };
            (None, 0, visits, vec!["hall", "web"])
        }
        P::LevyRelief => (None, 10, 1, vec!["hall", "web"]),
        P::Benefit => (
            None,
            rng.pick(&[10, 15, 20]),
            1,
            vec!["hall", "web", "mobile"],
        ),
        P::BenefitCheck => (None, rng.pick(&[5, 10]), 1, vec!["hall", "web"]),
        P::Dispute if c.kind == ItemKind::Adjudication => (None, 60, 2, vec!["hall"]),
        P::Dispute => (None, 30, 1, vec!["hall"]),
        P::Record => (None, rng.pick(&[3, 5, 7]), 1, vec!["hall", "web"]),
        P::Filing | P::Withdraw => {
            let visits = if rng.percent(40) { 0 } else { 1 };
            (
                None,
                rng.pick(&[0, 1, 3]),
                visits,
                vec!["hall", "web", "mobile"],
            )
        }
        P::Reissue => (None, rng.pick(&[1, 3, 5]), 1, vec!["hall", "web"]),
        P::Acceptance => (None, rng.pick(&[10, 15]), 1, vec!["hall", "web"]),
        _ => (None, rng.pick(&[5, 10]), 1, vec!["hall", "web"]),
    }
}

fn generated_input(c: &Candidate) -> ItemInput {
    let mut rng = Rng::for_label(&c.name);
    let (limit, promised, visits, channels) = terms(c, &mut rng);
    ItemInput {
        name: c.name.clone(),
        kind: c.kind.zh().to_string(),
        legal_basis: vec![c.law.to_string()],
        statutory_days: limit.map(|(d, _)| i64::from(d)),
        statutory_unit: limit.map(|(_, u)| {
            match u {
                DayCount::Working => "working",
                DayCount::Calendar => "calendar",
            }
            .to_string()
        }),
        promised_days: i64::from(promised),
        visits: i64::from(visits),
        channels: channels.into_iter().map(str::to_string).collect(),
        materials: materials::for_profile(c.profile, c.object),
        ..Default::default()
    }
}

/// A licence named by a reform decree, with its field and law.
fn special_input(s: &reform::Special) -> ItemInput {
    let c = Candidate {
        name: s.name.to_string(),
        kind: ItemKind::Licensing,
        law: s.law,
        object: s.name,
        cat: Cat::Approval,
        object_index: 0,
        template: 0,
        profile: Profile::Approval,
    };
    let mut input = generated_input(&c);
    input.materials = materials::for_profile(Profile::Approval, s.name.trim_end_matches("审批"));
    input
}

/// Every power, in serial order.
pub(crate) fn build() -> Vec<Power> {
    let mut serials = Serials([0; 11]);
    let mut powers = Vec::new();
    let mut names = BTreeSet::new();
    let mut real = [0usize; 3];

    for row in items::rows() {
        let family = family_of_row(row.department_kind, row.name)
            .unwrap_or_else(|| panic!("embedded data: no 2017 body for `{}`", row.department_kind));
        let basic = serials.next(row.kind);
        let item = place(items::input(&row), &basic);
        // 县 items are handled by counties and, for their urban districts, by cities.
        let levels = match row.level {
            Level::Province => [true, false, false],
            Level::City => [false, true, false],
            Level::County => [false, true, true],
        };
        for (i, on) in levels.iter().enumerate() {
            real[i] += usize::from(*on);
        }
        names.insert(row.name.to_string());
        powers.push(Power {
            item,
            family: family_index(family),
            levels,
            origin: Origin::Real,
            object: "",
        });
    }

    for s in reform::APRIL_NAMED.iter().chain(reform::INVESTMENT.iter()) {
        let basic = serials.next(ItemKind::Licensing);
        names.insert(s.name.to_string());
        powers.push(Power {
            item: place(special_input(s), &basic),
            family: family_index(s.family),
            levels: [true, false, false],
            origin: Origin::Special,
            object: "",
        });
        real[0] += 1;
    }

    let pools: Vec<Vec<Candidate>> = (0..FAMILIES.len())
        .map(|f| candidates(f, &mut names))
        .collect();
    let totals = [
        PROVINCE_BASELINE - real[0],
        CITY_FULL - real[1],
        COUNTY_FULL - real[2],
    ];
    let quotas: Vec<Vec<usize>> = (0..3)
        .map(|l| {
            let caps: Vec<usize> = FAMILIES
                .iter()
                .zip(&pools)
                .map(|(fam, pool)| {
                    if fam.kind_at(Level::ALL[l]).is_some() {
                        pool.len()
                    } else {
                        0
                    }
                })
                .collect();
            allocate(totals[l], &caps)
        })
        .collect();

    for (family, pool) in pools.into_iter().enumerate() {
        let (qp, qc, qk) = (quotas[0][family], quotas[1][family], quotas[2][family]);
        // Cities take the first qc candidates, counties the first qk (mostly a
        // subset), the province a window starting a third into the cities' share:
        // some powers are exercised at all three levels, some at one.
        let start = (qc / 3).min(pool.len() - qp);
        for (i, c) in pool.into_iter().enumerate() {
            let levels = [i >= start && i < start + qp, i < qc, i < qk];
            if !levels.iter().any(|on| *on) {
                continue;
            }
            let basic = serials.next(c.kind);
            powers.push(Power {
                item: place(generated_input(&c), &basic),
                family,
                levels,
                origin: Origin::Generated {
                    cat: c.cat,
                    object: c.object_index,
                    template: c.template,
                },
                object: c.object,
            });
        }
    }
    powers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_is_exact_and_capped() {
        let q = allocate(10, &[5, 3, 2]);
        assert_eq!(q.iter().sum::<usize>(), 10);
        assert_eq!(q, vec![5, 3, 2]);
        let q = allocate(7, &[10, 0, 4]);
        assert_eq!(q.iter().sum::<usize>(), 7);
        assert_eq!(q[1], 0);
    }

    #[test]
    fn the_pool_hits_the_baseline_sizes() {
        let p = build();
        let on = |l: Level| p.iter().filter(|x| x.on(l)).count();
        assert_eq!(on(Level::Province), PROVINCE_BASELINE);
        assert_eq!(on(Level::City), CITY_FULL);
        assert_eq!(on(Level::County), COUNTY_FULL);
        let codes: BTreeSet<&BasicCode> = p.iter().map(|x| x.item.code.basic()).collect();
        assert_eq!(codes.len(), p.len());
    }
}
