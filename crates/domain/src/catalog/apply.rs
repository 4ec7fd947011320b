//! What a decree does to the list: the rules of each adjustment kind, turned into
//! the versions that end and start. Pure: the store supplies the items in force
//! and the division tree, and writes the plan in one transaction.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::{Adjustment, AdjustmentKind, Department, Item, ItemCode};
use crate::Invalid;
use crate::division::DivisionCode;

/// What the planner needs to know about the list on the effective date.
#[derive(Debug, Default)]
pub struct ApplyContext {
    /// Which of the codes [`ApplyContext::codes_to_load`] names are in force.
    pub in_force: HashSet<ItemCode>,
    /// The items in force that an adjustment reads (its `read` codes): a
    /// cancellation only needs to know its item is there, and a clean-up decree
    /// cancels tens of thousands.
    pub items: HashMap<ItemCode, Item>,
    /// The divisions directly below each division.
    pub children: HashMap<DivisionCode, Vec<DivisionCode>>,
    pub departments: HashMap<i64, Department>,
}

/// The codes a plan looks at: all of them for whether they are in force, and
/// the `read` ones also for their elements.
#[derive(Debug, Default, PartialEq)]
pub struct CodesToLoad {
    pub codes: Vec<ItemCode>,
    pub read: Vec<ItemCode>,
}

impl ApplyContext {
    /// Every code whose state the plan reads: those the adjustments name, and the
    /// codes a delegation would create below. Sorted, without repeats.
    pub fn codes_to_load(
        adjustments: &[Adjustment],
        children: &HashMap<DivisionCode, Vec<DivisionCode>>,
    ) -> CodesToLoad {
        let mut out = CodesToLoad::default();
        for a in adjustments {
            for code in a.codes() {
                match a {
                    Adjustment::Delegate { .. } => {
                        if let Some(kids) = children.get(code.division()) {
                            out.codes.extend(kids.iter().map(|k| code.at(k)));
                        }
                        out.read.push(code.clone());
                    }
                    Adjustment::PreToPost { .. } => out.read.push(code.clone()),
                    _ => {}
                }
                out.codes.push(code);
            }
        }
        for v in [&mut out.codes, &mut out.read] {
            v.sort();
            v.dedup();
        }
        out
    }

    fn counterpart(&self, department_id: i64, at: &DivisionCode) -> Option<i64> {
        let kind = &self.departments.get(&department_id)?.kind;
        self.departments
            .values()
            .find(|d| &d.division == at && &d.kind == kind)
            .map(|d| d.id)
    }
}

/// One version boundary: an item stops or starts being in force.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    End {
        code: ItemCode,
        adjustment: usize,
        kind: AdjustmentKind,
    },
    Start {
        item: Box<Item>,
        adjustment: usize,
        kind: AdjustmentKind,
    },
}

/// Plans a decree's adjustments in order (a later one sees the earlier ones'
/// effect). Any adjustment that does not fit the list fails the whole decree,
/// with every problem named by its adjustment's index.
pub fn plan(adjustments: &[Adjustment], ctx: &ApplyContext) -> Result<Vec<Change>, Invalid> {
    // What earlier adjustments of this decree did; borrowed where it can be,
    // since a baseline decree adds hundreds of thousands of items.
    let mut state: HashMap<ItemCode, Option<Cow<Item>>> = HashMap::new();
    let mut changes = Vec::new();
    let mut inv = Invalid::default();
    fn exists(
        state: &HashMap<ItemCode, Option<Cow<Item>>>,
        ctx: &ApplyContext,
        code: &ItemCode,
    ) -> bool {
        match state.get(code) {
            Some(s) => s.is_some(),
            None => ctx.in_force.contains(code),
        }
    }
    fn read<'a>(
        state: &'a HashMap<ItemCode, Option<Cow<Item>>>,
        ctx: &'a ApplyContext,
        code: &ItemCode,
    ) -> Option<&'a Item> {
        match state.get(code) {
            Some(s) => s.as_deref(),
            None => ctx.items.get(code),
        }
    }
    for (i, adj) in adjustments.iter().enumerate() {
        let at = format!("adjustments[{i}]");
        let kind = adj.kind();
        let end = |code: &ItemCode| Change::End {
            code: code.clone(),
            adjustment: i,
            kind,
        };
        let start = |item: Item| Change::Start {
            item: Box::new(item),
            adjustment: i,
            kind,
        };
        for item in adj.items() {
            inv.take(&at, item.check());
            // The implementing department is reference data the item rules
            // cannot see: it must exist and sit in the item's division.
            match ctx.departments.get(&item.department_id) {
                Some(d) if d.division == item.division => {}
                Some(d) => inv.push(
                    format!("{at}.department_id"),
                    format!(
                        "{}属于区划{}，与事项所属区划{}不一致",
                        d.name, d.division, item.division
                    ),
                ),
                None => inv.push(
                    format!("{at}.department_id"),
                    format!("没有编号为{}的部门", item.department_id),
                ),
            }
        }
        match adj {
            Adjustment::Add { item } => {
                if exists(&state, ctx, &item.code) {
                    inv.push(format!("{at}.code"), format!("事项{}已在实施中", item.code));
                    continue;
                }
                state.insert(item.code.clone(), Some(Cow::Borrowed(item)));
                changes.push(start(item.clone()));
            }
            Adjustment::Cancel { code } => {
                if !exists(&state, ctx, code) {
                    inv.push(format!("{at}.code"), format!("事项{code}不在实施中"));
                    continue;
                }
                state.insert(code.clone(), None);
                changes.push(end(code));
            }
            Adjustment::Delegate { code } => {
                let Some(item) = read(&state, ctx, code).cloned() else {
                    inv.push(format!("{at}.code"), format!("事项{code}不在实施中"));
                    continue;
                };
                if item.level().below().is_none() {
                    inv.push(format!("{at}.code"), "县级事项没有可下放的下一级");
                    continue;
                }
                let kids = ctx
                    .children
                    .get(code.division())
                    .cloned()
                    .unwrap_or_default();
                if kids.is_empty() {
                    inv.push(
                        format!("{at}.code"),
                        format!("区划{}没有下级区划", code.division()),
                    );
                    continue;
                }
                state.insert(code.clone(), None);
                changes.push(end(code));
                for kid in kids {
                    let new_code = code.at(&kid);
                    if exists(&state, ctx, &new_code) {
                        inv.push(
                            format!("{at}.code"),
                            format!("下级已有事项{new_code}在实施中"),
                        );
                        continue;
                    }
                    let Some(dept) = ctx.counterpart(item.department_id, &kid) else {
                        inv.push(
                            format!("{at}.code"),
                            format!("区划{kid}没有承接该事项的对口部门"),
                        );
                        continue;
                    };
                    let below = Item {
                        code: new_code.clone(),
                        division: kid,
                        department_id: dept,
                        ..item.clone()
                    };
                    state.insert(new_code, Some(Cow::Owned(below.clone())));
                    changes.push(start(below));
                }
            }
            Adjustment::Merge { codes, into } => {
                if codes.len() < 2 {
                    inv.push(format!("{at}.codes"), "合并至少需要两个事项");
                    continue;
                }
                let mut ok = true;
                for (j, c) in codes.iter().enumerate() {
                    if !exists(&state, ctx, c) {
                        inv.push(format!("{at}.codes[{j}]"), format!("事项{c}不在实施中"));
                        ok = false;
                    } else if c.division() != &into.division {
                        inv.push(
                            format!("{at}.codes[{j}]"),
                            "被合并的事项须与合并后的事项属于同一区划",
                        );
                        ok = false;
                    }
                }
                if !codes.contains(&into.code) && exists(&state, ctx, &into.code) {
                    inv.push(
                        format!("{at}.into.code"),
                        format!("事项{}已在实施中", into.code),
                    );
                    ok = false;
                }
                if !ok {
                    continue;
                }
                for c in codes {
                    state.insert(c.clone(), None);
                    changes.push(end(c));
                }
                state.insert(into.code.clone(), Some(Cow::Borrowed(into)));
                changes.push(start(into.clone()));
            }
            Adjustment::PreToPost { code, prerequisite } => {
                let Some(mut item) = read(&state, ctx, code).cloned() else {
                    inv.push(format!("{at}.code"), format!("事项{code}不在实施中"));
                    continue;
                };
                let Some(pos) = item.prerequisites.iter().position(|p| p == prerequisite) else {
                    inv.push(
                        format!("{at}.prerequisite"),
                        format!("事项{code}没有前置条件“{prerequisite}”"),
                    );
                    continue;
                };
                let moved = item.prerequisites.remove(pos);
                item.post_links.push(moved);
                state.insert(code.clone(), Some(Cow::Owned(item.clone())));
                changes.push(end(code));
                changes.push(start(item));
            }
            Adjustment::Modify { item } => {
                if !exists(&state, ctx, &item.code) {
                    inv.push(format!("{at}.code"), format!("事项{}不在实施中", item.code));
                    continue;
                }
                state.insert(item.code.clone(), Some(Cow::Borrowed(item)));
                changes.push(end(&item.code));
                changes.push(start(item.clone()));
            }
        }
    }
    inv.into_result(|| changes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ItemInput;

    fn item(code: &str, dept: i64, prereq: &[&str]) -> Item {
        let division = &code[..6];
        ItemInput {
            code: code.into(),
            name: format!("事项{code}"),
            kind: "行政许可".into(),
            department_id: dept,
            division: division.into(),
            legal_basis: vec!["《中华人民共和国行政许可法》".into()],
            statutory_days: Some(20),
            promised_days: 10,
            visits: 1,
            channels: vec!["hall".into()],
            prerequisites: prereq.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
        .parse()
        .unwrap()
    }

    fn div(s: &str) -> DivisionCode {
        DivisionCode::parse(s).unwrap()
    }

    fn code(s: &str) -> ItemCode {
        ItemCode::parse(s).unwrap()
    }

    fn dept(id: i64, division: &str) -> (i64, Department) {
        (
            id,
            Department {
                id,
                name: format!("{division}市场监督管理局"),
                kind: "市场监督管理局".into(),
                division: div(division),
            },
        )
    }

    fn ctx(items: &[Item]) -> ApplyContext {
        ApplyContext {
            in_force: items.iter().map(|i| i.code.clone()).collect(),
            items: items.iter().map(|i| (i.code.clone(), i.clone())).collect(),
            children: [(div("430000"), vec![div("430100"), div("430200")])].into(),
            departments: [dept(1, "430000"), dept(2, "430100"), dept(3, "430200")].into(),
        }
    }

    fn started(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .filter_map(|c| match c {
                Change::Start { item, .. } => Some(item.code.to_string()),
                _ => None,
            })
            .collect()
    }

    fn ended(changes: &[Change]) -> Vec<String> {
        changes
            .iter()
            .filter_map(|c| match c {
                Change::End { code, .. } => Some(code.to_string()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn an_item_must_be_implemented_by_a_department_of_its_division() {
        let elsewhere = item("430000-0100009", 2, &[]);
        let unknown = item("430000-0100010", 99, &[]);
        let e = plan(
            &[
                Adjustment::Add { item: elsewhere },
                Adjustment::Add { item: unknown },
            ],
            &ctx(&[]),
        )
        .unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "adjustments[0].department_id",
                "adjustments[1].department_id"
            ]
        );
    }

    #[test]
    fn delegation_ends_above_and_starts_at_each_division_below() {
        let p = item("430000-0100001", 1, &[]);
        let ch = plan(
            &[Adjustment::Delegate {
                code: p.code.clone(),
            }],
            &ctx(&[p]),
        )
        .unwrap();
        assert_eq!(ended(&ch), ["430000-0100001"]);
        assert_eq!(started(&ch), ["430100-0100001", "430200-0100001"]);
        let depts: Vec<i64> = ch
            .iter()
            .filter_map(|c| match c {
                Change::Start { item, .. } => Some(item.department_id),
                _ => None,
            })
            .collect();
        assert_eq!(depts, [2, 3]);
    }

    #[test]
    fn delegation_needs_a_counterpart_and_a_level_below() {
        let p = item("430000-0100001", 1, &[]);
        let mut c = ctx(std::slice::from_ref(&p));
        c.departments.remove(&3);
        let e = plan(
            &[Adjustment::Delegate {
                code: p.code.clone(),
            }],
            &c,
        )
        .unwrap_err();
        assert!(e.to_string().contains("430200"), "{e}");
        let county = item("430102-0100001", 9, &[]);
        let e = plan(
            &[Adjustment::Delegate {
                code: county.code.clone(),
            }],
            &ctx(&[county]),
        )
        .unwrap_err();
        assert_eq!(e.0[0].field, "adjustments[0].code");
    }

    #[test]
    fn cancel_and_add_follow_the_state() {
        let p = item("430000-0100001", 1, &[]);
        let adjs = [
            Adjustment::Cancel {
                code: p.code.clone(),
            },
            Adjustment::Cancel {
                code: p.code.clone(),
            },
        ];
        let e = plan(&adjs, &ctx(std::slice::from_ref(&p))).unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].field, "adjustments[1].code");
        let e = plan(
            &[Adjustment::Add { item: p.clone() }],
            &ctx(std::slice::from_ref(&p)),
        )
        .unwrap_err();
        assert!(e.to_string().contains("已在实施中"));
        let ch = plan(
            &[
                Adjustment::Cancel {
                    code: p.code.clone(),
                },
                Adjustment::Add { item: p.clone() },
            ],
            &ctx(&[p]),
        )
        .unwrap();
        assert_eq!(ch.len(), 2);
    }

    #[test]
    fn merge_ends_all_and_starts_one() {
        let a = item("430000-0100001", 1, &[]);
        let b = item("430000-0100002", 1, &[]);
        let into = item("430000-0100003", 1, &[]);
        let adj = Adjustment::Merge {
            codes: vec![a.code.clone(), b.code.clone()],
            into: into.clone(),
        };
        let ch = plan(&[adj], &ctx(&[a.clone(), b.clone()])).unwrap();
        assert_eq!(ended(&ch), ["430000-0100001", "430000-0100002"]);
        assert_eq!(started(&ch), ["430000-0100003"]);
        // Merging into one of the merged codes is allowed: that code gets a new version.
        let adj = Adjustment::Merge {
            codes: vec![a.code.clone(), b.code.clone()],
            into: a.clone(),
        };
        assert!(plan(&[adj], &ctx(&[a.clone(), b.clone()])).is_ok());
        let adj = Adjustment::Merge {
            codes: vec![a.code.clone()],
            into,
        };
        assert!(plan(&[adj], &ctx(&[a, b])).is_err());
    }

    #[test]
    fn pre_to_post_moves_the_prerequisite() {
        let p = item("430100-0100001", 2, &["营业执照"]);
        let adj = Adjustment::PreToPost {
            code: p.code.clone(),
            prerequisite: "营业执照".into(),
        };
        let ch = plan(&[adj], &ctx(std::slice::from_ref(&p))).unwrap();
        let Change::Start { item, .. } = &ch[1] else {
            panic!("{ch:?}")
        };
        assert!(item.prerequisites.is_empty());
        assert_eq!(item.post_links, ["营业执照"]);
        let adj = Adjustment::PreToPost {
            code: p.code.clone(),
            prerequisite: "卫生许可".into(),
        };
        assert_eq!(
            plan(&[adj], &ctx(&[p])).unwrap_err().0[0].field,
            "adjustments[0].prerequisite"
        );
    }

    #[test]
    fn codes_to_load_include_delegation_targets() {
        let c = ctx(&[]);
        let codes = ApplyContext::codes_to_load(
            &[Adjustment::Delegate {
                code: code("430000-0100001"),
            }],
            &c.children,
        );
        let strs = |v: &[ItemCode]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(
            strs(&codes.codes),
            ["430000-0100001", "430100-0100001", "430200-0100001"]
        );
        // Only the delegated item's elements are read; a cancellation's are not.
        assert_eq!(strs(&codes.read), ["430000-0100001"]);
        let cancel = ApplyContext::codes_to_load(
            &[Adjustment::Cancel {
                code: code("430000-0100001"),
            }],
            &c.children,
        );
        assert!(cancel.read.is_empty());
    }
}
