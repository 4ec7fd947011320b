//! Replays every demo decree in memory with the domain's planner and checks the
//! shape of the list: Hunan's sizes, the reform's decrees, the demo accounts'
//! department, determinism.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use bianli_demo::{DemoCatalog, catalog};
use bianli_domain::catalog::{Adjustment, ApplyContext, Change, Item, ItemKind, plan};
use bianli_domain::division::{DivisionCode, Level};
use chrono::NaiveDate;

/// The list in force, kept as the planner's context.
struct Replay {
    ctx: ApplyContext,
}

impl Replay {
    fn new(c: &DemoCatalog) -> Replay {
        let mut children: HashMap<DivisionCode, Vec<DivisionCode>> = HashMap::new();
        for d in &c.divisions {
            if let Some(p) = &d.parent {
                children.entry(p.clone()).or_default().push(d.code.clone());
            }
        }
        let departments = c.departments.iter().map(|d| (d.id, d.clone())).collect();
        Replay {
            ctx: ApplyContext {
                in_force: HashSet::new(),
                items: HashMap::new(),
                children,
                departments,
            },
        }
    }

    /// Plans a decree against the list in force and applies its changes.
    fn apply(&mut self, adjustments: &[Adjustment]) {
        let changes = if adjustments
            .iter()
            .all(|a| matches!(a, Adjustment::Add { .. }))
        {
            self.plan_adds(adjustments)
        } else {
            plan(adjustments, &self.ctx).unwrap_or_else(|e| panic!("the decree does not plan: {e}"))
        };
        let starts = changes
            .iter()
            .filter(|c| matches!(c, Change::Start { .. }))
            .count();
        self.ctx.items.reserve(starts);
        for c in changes {
            match c {
                Change::End { code, .. } => {
                    assert!(
                        self.ctx.in_force.remove(&code) && self.ctx.items.remove(&code).is_some(),
                        "{code} ends but is not in force"
                    );
                }
                Change::Start { item, .. } => {
                    self.ctx.in_force.insert(item.code.clone());
                    self.ctx.items.insert(item.code.clone(), *item);
                }
            }
        }
    }

    /// Plans an Add-only decree (the baseline) in two halves on two threads.
    /// The halves split at a division boundary, so no code is in both and each
    /// half sees nothing of the other: the changes are those of one plan.
    fn plan_adds(&self, adds: &[Adjustment]) -> Vec<Change> {
        let division = |a: &Adjustment| a.codes()[0].division().clone();
        let mut mid = adds.len() / 2;
        while mid > 0 && mid < adds.len() && division(&adds[mid]) == division(&adds[mid - 1]) {
            mid += 1;
        }
        let (a, b) = adds.split_at(mid);
        let left: HashSet<DivisionCode> = a.iter().map(division).collect();
        assert!(
            b.iter().all(|x| !left.contains(&division(x))),
            "the halves share a division"
        );
        let planned = |part: &[Adjustment]| {
            plan(part, &self.ctx).unwrap_or_else(|e| panic!("the baseline does not plan: {e}"))
        };
        std::thread::scope(|s| {
            let right = s.spawn(|| planned(b));
            let mut changes = planned(a);
            changes.extend(right.join().expect("the planning thread"));
            changes
        })
    }

    fn per_division(&self) -> HashMap<DivisionCode, usize> {
        let mut m = HashMap::new();
        for code in &self.ctx.in_force {
            *m.entry(code.division().clone()).or_default() += 1;
        }
        m
    }

    fn item(&self, code: &bianli_domain::catalog::ItemCode) -> Item {
        self.ctx
            .items
            .get(code)
            .cloned()
            .unwrap_or_else(|| panic!("{code} is not in force"))
    }
}

struct Replayed {
    catalog: DemoCatalog,
    build: Duration,
    replay: Duration,
    baseline: HashMap<DivisionCode, usize>,
    june_2017: HashMap<DivisionCode, usize>,
    /// Items each of decrees 3.. touches, as they stood before it.
    touched: BTreeMap<usize, Vec<Item>>,
    in_force_june_2017: HashMap<bianli_domain::catalog::ItemCode, Item>,
}

static R: LazyLock<Replayed> = LazyLock::new(|| {
    let t = Instant::now();
    let catalog = catalog();
    let build = t.elapsed();
    let t = Instant::now();
    let as_of = NaiveDate::from_ymd_opt(2017, 6, 3).expect("a date");
    let mut r = Replay::new(&catalog);
    let mut baseline = HashMap::new();
    let mut touched = BTreeMap::new();
    for (i, d) in catalog.decrees.iter().enumerate() {
        if d.decree.effective_on > as_of {
            continue;
        }
        if i >= 3 {
            let items = d
                .adjustments
                .iter()
                .flat_map(|a| match a {
                    Adjustment::Merge { codes, .. } => codes.clone(),
                    other => other.codes(),
                })
                .map(|c| r.item(&c))
                .collect();
            touched.insert(i, items);
        }
        r.apply(&d.adjustments);
        if i == 0 {
            baseline = r.per_division();
        }
    }
    let june_2017 = r.per_division();
    Replayed {
        catalog,
        build,
        replay: t.elapsed(),
        baseline,
        june_2017,
        touched,
        in_force_june_2017: r.ctx.items,
    }
});

fn division(code: &str) -> DivisionCode {
    DivisionCode::parse(code).expect("a division code")
}

fn count(m: &HashMap<DivisionCode, usize>, d: &DivisionCode) -> usize {
    m.get(d).copied().unwrap_or(0)
}

fn reduction(d: &DivisionCode) -> f64 {
    let b = count(&R.baseline, d) as f64;
    (b - count(&R.june_2017, d) as f64) / b
}

#[test]
fn the_province_lists_exactly_3722_items_in_june_2017() {
    assert_eq!(count(&R.june_2017, &division("430000")), 3722);
}

#[test]
fn cities_list_about_3000_and_counties_about_2000() {
    for d in &R.catalog.divisions {
        let n = count(&R.june_2017, &d.code);
        match d.level {
            Level::City => assert!((2900..=3100).contains(&n), "{} lists {n}", d.name),
            Level::County => assert!((1900..=2100).contains(&n), "{} lists {n}", d.name),
            Level::Province => {}
        }
    }
}

#[test]
fn the_reform_cut_about_a_third() {
    for d in &R.catalog.divisions {
        let r = reduction(&d.code);
        assert!(
            (0.29..=0.35).contains(&r),
            "{} cut {:.1}%",
            d.name,
            r * 100.0
        );
    }
}

#[test]
fn decrees_are_dated_in_order_and_numbered() {
    let decrees = &R.catalog.decrees;
    assert_eq!(decrees.len(), 6);
    assert!(
        decrees
            .windows(2)
            .all(|w| w[0].decree.effective_on <= w[1].decree.effective_on)
    );
    assert!(
        decrees[0]
            .adjustments
            .iter()
            .all(|a| matches!(a, Adjustment::Add { .. }))
    );
    assert!(decrees[0].decree.title.contains("2014"));
    for d in decrees {
        assert!(
            d.decree.number.as_str().starts_with("湘政发〔"),
            "{}",
            d.decree.number.as_str()
        );
        assert!(d.decree.title.contains("演示"), "{}", d.decree.title);
        assert!(d.decree.issued_on <= d.decree.effective_on);
    }
    for d in &decrees[1..] {
        assert!(
            d.adjustments
                .iter()
                .all(|a| !matches!(a, Adjustment::Add { .. }))
        );
    }
}

#[test]
fn the_2016_decree_cancels_137_provincial_licences() {
    let d = &R.catalog.decrees[3];
    assert_eq!(d.decree.effective_on.format("%Y").to_string(), "2016");
    assert_eq!(d.adjustments.len(), 137);
    let cancels = d
        .adjustments
        .iter()
        .filter(|a| matches!(a, Adjustment::Cancel { code } if code.basic().kind() == ItemKind::Licensing))
        .count();
    assert_eq!(cancels, 137);
    assert!(
        R.touched[&3]
            .iter()
            .all(|i| i.kind == ItemKind::Licensing && i.level() == Level::Province)
    );
}

#[test]
fn the_investment_decree_cuts_23_project_approvals() {
    let d = &R.catalog.decrees[4];
    assert_eq!(d.decree.effective_on.format("%Y").to_string(), "2016");
    assert_eq!(d.adjustments.len(), 23);
    for i in &R.touched[&4] {
        assert!(
            i.name.contains("项目") && (i.name.contains("核准") || i.name.contains("审批")),
            "{}",
            i.name
        );
    }
}

#[test]
fn the_april_2017_decree() {
    let d = &R.catalog.decrees[5];
    assert_eq!(d.decree.effective_on.format("%Y-%m").to_string(), "2017-04");
    assert_eq!(d.adjustments.len(), 36);
    let cancels = d
        .adjustments
        .iter()
        .filter(|a| matches!(a, Adjustment::Cancel { .. }))
        .count();
    let delegates = d
        .adjustments
        .iter()
        .filter(|a| matches!(a, Adjustment::Delegate { .. }))
        .count();
    let merges = d
        .adjustments
        .iter()
        .filter(|a| matches!(a, Adjustment::Merge { .. }))
        .count();
    assert_eq!(cancels, 26);
    assert_eq!(delegates + merges, 10);
    assert!(delegates > 0 && merges > 0);
    let departments: BTreeSet<i64> = R.touched[&5].iter().map(|i| i.department_id).collect();
    assert_eq!(departments.len(), 10);
    let names: Vec<&str> = R.touched[&5].iter().map(|i| i.name.as_str()).collect();
    for named in [
        "机动车驾驶培训教练员从业资格认定",
        "直销企业产品审批",
        "市县级电视台变更台标",
    ] {
        assert!(names.contains(&named), "{named}");
    }
    let dept = |id: i64| {
        R.catalog
            .departments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.as_str())
            .unwrap_or("")
    };
    for i in &R.touched[&5] {
        assert_eq!(i.level(), Level::Province);
        match i.name.as_str() {
            "机动车驾驶培训教练员从业资格认定" => {
                assert_eq!(dept(i.department_id), "湖南省交通运输厅")
            }
            "直销企业产品审批" => assert_eq!(dept(i.department_id), "湖南省商务厅"),
            "市县级电视台变更台标" => {
                assert_eq!(dept(i.department_id), "湖南省新闻出版广电局")
            }
            _ => {}
        }
    }
    // The named three were listed in 2014 and in force until this decree.
    let baseline_names: BTreeSet<&str> = R.catalog.decrees[0]
        .adjustments
        .iter()
        .filter_map(|a| match a {
            Adjustment::Add { item } if item.division.as_str() == "430000" => {
                Some(item.name.as_str())
            }
            _ => None,
        })
        .collect();
    assert!(baseline_names.contains("直销企业产品审批"));
}

#[test]
fn changsha_licenses_food_businesses_and_has_the_staff_department() {
    let cs = division("430100");
    let food: Vec<&Item> = R
        .in_force_june_2017
        .values()
        .filter(|i| i.division == cs && i.name == "食品经营许可")
        .collect();
    assert_eq!(food.len(), 1);
    let food = food[0];
    assert!(food.aliases.iter().any(|a| a == "开饭店"));
    assert!(food.promised_days <= 20);
    assert_eq!(food.visits, 1);
    let channels: Vec<&str> = food.channels.iter().map(|c| c.as_str()).collect();
    assert_eq!(channels, ["hall", "web", "mobile"]);
    assert!(food.materials.iter().any(|m| m.name == "营业执照"));
    let dept = R
        .catalog
        .departments
        .iter()
        .find(|d| d.id == food.department_id)
        .expect("its department");
    assert_eq!(dept.name, "长沙市市场监督管理局");
    assert!(
        R.catalog
            .departments
            .iter()
            .any(|d| d.name == "长沙市市场监督管理局" && d.division == cs)
    );
}

#[test]
fn a_real_item_has_one_basic_code_everywhere() {
    let codes: BTreeSet<&str> = R.catalog.decrees[0]
        .adjustments
        .iter()
        .filter_map(|a| match a {
            Adjustment::Add { item } if item.name == "食品经营许可" => {
                Some(item.code.basic().as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(codes.len(), 1);
}

#[test]
fn every_baseline_item_is_complete_and_placed() {
    let depts: HashMap<i64, &bianli_domain::catalog::Department> =
        R.catalog.departments.iter().map(|d| (d.id, d)).collect();
    let mut names_per_division: HashMap<&DivisionCode, BTreeSet<&str>> = HashMap::new();
    for a in &R.catalog.decrees[0].adjustments {
        // `plan` has checked every item (Item::check) in the replay.
        let Adjustment::Add { item } = a else {
            continue;
        };
        assert!((2..=6).contains(&item.materials.len()), "{}", item.name);
        let d = depts[&item.department_id];
        assert_eq!(d.division, item.division, "{}", item.name);
        assert!(
            names_per_division
                .entry(&item.division)
                .or_default()
                .insert(&item.name),
            "{} twice at {}",
            item.name,
            item.division
        );
    }
}

#[test]
fn catalog_is_deterministic() {
    assert!(catalog() == R.catalog);
}

#[test]
fn report() {
    let sum = |m: &HashMap<DivisionCode, usize>, l: Level| -> usize {
        R.catalog
            .divisions
            .iter()
            .filter(|d| d.level == l)
            .map(|d| count(m, &d.code))
            .sum()
    };
    println!("catalog() took {:?}; replay took {:?}", R.build, R.replay);
    for l in Level::ALL {
        let (b, j) = (sum(&R.baseline, l), sum(&R.june_2017, l));
        println!(
            "{l}: baseline {b}, 2017-06-03 {j}, cut {:.1}%",
            (b - j) as f64 * 100.0 / b as f64
        );
    }
    let total_b: usize = R.baseline.values().sum();
    let total_j: usize = R.june_2017.values().sum();
    println!("total: baseline {total_b}, 2017-06-03 {total_j}");
    for d in &R.catalog.divisions[..16] {
        println!(
            "  {} {}: {} -> {} ({:.1}%)",
            d.code,
            d.name,
            count(&R.baseline, &d.code),
            count(&R.june_2017, &d.code),
            reduction(&d.code) * 100.0
        );
    }
    for d in &R.catalog.decrees {
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        for a in &d.adjustments {
            *kinds.entry(a.kind().as_str()).or_default() += 1;
        }
        println!(
            "{} {} ({}, effective {}): {kinds:?}",
            d.decree.number.as_str(),
            d.decree.title,
            d.decree.issued_on,
            d.decree.effective_on
        );
    }
    println!("departments: {}", R.catalog.departments.len());
    for l in [Level::City, Level::County] {
        let of = |m: &HashMap<DivisionCode, usize>| -> Vec<usize> {
            R.catalog
                .divisions
                .iter()
                .filter(|d| d.level == l)
                .map(|d| count(m, &d.code))
                .collect()
        };
        let (b, j) = (of(&R.baseline), of(&R.june_2017));
        let cuts: Vec<f64> = R
            .catalog
            .divisions
            .iter()
            .filter(|d| d.level == l)
            .map(|d| reduction(&d.code))
            .collect();
        println!(
            "{l}: baseline {}..={}, 2017-06-03 {}..={}, cut {:.1}%..={:.1}%",
            b.iter().min().unwrap_or(&0),
            b.iter().max().unwrap_or(&0),
            j.iter().min().unwrap_or(&0),
            j.iter().max().unwrap_or(&0),
            cuts.iter().cloned().fold(f64::MAX, f64::min) * 100.0,
            cuts.iter().cloned().fold(f64::MIN, f64::max) * 100.0
        );
    }
    if let Some(d) = R
        .catalog
        .departments
        .iter()
        .find(|d| d.name == "长沙市市场监督管理局")
    {
        println!("{} has id {}", d.name, d.id);
    }
}
