//! Schemas of what the catalog API reads and writes: the domain's items,
//! decrees and divisions as serde writes them, and the web's own bodies.

use bianli_app::catalog::AdjustmentInput;
use bianli_app::store::{
    Applied, DecreeDetail, DecreeEffect, DecreeSummary, Diff, DiffKind, DiffRow, DiffSummary,
    ItemVersion,
};
use bianli_domain::catalog::{
    Adjustment, AdjustmentKind, Channel, DayCount, Decree, DecreeInput, DecreeStatus, Department,
    Fee, FieldKind, FormField, FormFieldInput, Item, ItemInput, ItemKind, LegalBasis, Material,
    MaterialForm, TimeLimit,
};
use bianli_domain::division::{Division, Level};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema};

use super::super::schema::{
    array, boolean, closed, date, described, every, integer, map, mirror, natural, nullable,
    number, one_of, open, pattern, r, serialized, set, string, strings,
};
use crate::api::catalog::{
    Adjustments, BaselineReport, DepartmentCount, ItemDetail, ItemPage, ItemSummary, LevelChange,
    Revision, StatsReport,
};

pub fn all() -> Vec<(&'static str, RefOr<Schema>)> {
    vec![
        (
            "ItemCode",
            pattern("^[0-9]{6}-(0[1-9]|1[01])[0-9]{5}$", "430100-0100001"),
        ),
        (
            "DivisionCode",
            pattern("^(0[1-9]|[1-9][0-9])[0-9]{4}$", "430100"),
        ),
        (
            "DecreeNumber",
            pattern("^.+〔[0-9]{4}〕[0-9]+号$", "湘政发〔2017〕8号"),
        ),
        ("ItemKind", serialized(ItemKind::ALL)),
        ("Channel", serialized(Channel::ALL)),
        ("Level", serialized(Level::ALL)),
        ("AdjustmentKind", serialized(AdjustmentKind::ALL)),
        (
            "DayCount",
            serialized(every!(DayCount { Working, Calendar })),
        ),
        (
            "MaterialForm",
            serialized(every!(MaterialForm {
                Original,
                Copy,
                OriginalAndCopy,
                Electronic,
            })),
        ),
        (
            "DecreeStatus",
            serialized(every!(DecreeStatus { Draft, Applied })),
        ),
        (
            "DiffChange",
            serialized(every!(DiffKind {
                Added,
                Removed,
                Changed,
            })),
        ),
        ("Material", closed(material())),
        ("FieldKind", serialized(FieldKind::ALL)),
        ("FormField", closed(form_field())),
        ("FormFieldInput", open(form_field_input())),
        (
            "LegalBasis",
            closed(mirror!(LegalBasis { law: string() } optional { article: string() })),
        ),
        (
            "Fee",
            closed(
                mirror!(Fee { fen: integer() } optional { basis: string() })
                    .description(Some("in fen (分); left out when free")),
            ),
        ),
        (
            "TimeLimit",
            closed(mirror!(TimeLimit {
                days: natural(u16::MAX.into()),
                unit: r("DayCount"),
            })),
        ),
        ("Item", closed(item())),
        ("ItemVersion", closed(item_version())),
        ("ItemSummary", closed(item_summary())),
        (
            "ItemPage",
            closed(mirror!(ItemPage {
                items: array(r("ItemSummary")),
                total: integer(),
                ranked: boolean(),
                next_cursor: nullable(described("the `cursor` of the next page; null on the last")),
            })),
        ),
        (
            "ItemDetail",
            closed(mirror!(ItemDetail {
                code: r("ItemCode"),
                in_force: boolean(),
                item: r("Item"),
                level: r("Level"),
                department: nullable(r("Department")),
                valid_from: date(),
                valid_to: nullable(date()),
                versions: array(r("ItemVersion")),
            })),
        ),
        (
            "Department",
            closed(mirror!(Department {
                id: integer(),
                name: string(),
                kind: described(
                    "the name without the division (市场监督管理局), shared by counterparts"
                ),
                division: r("DivisionCode"),
            })),
        ),
        (
            "Division",
            closed(mirror!(Division {
                code: r("DivisionCode"),
                name: string(),
                level: r("Level"),
                parent: nullable(r("DivisionCode")),
            })),
        ),
        ("Stats", closed(stats())),
        (
            "DepartmentCount",
            closed(mirror!(DepartmentCount {
                id: integer(),
                name: nullable(string()),
                count: integer(),
            })),
        ),
        (
            "StatsBaseline",
            closed(mirror!(BaselineReport {
                date: date(),
                total: nullable(integer()),
                reduction_pct: nullable(number()),
                by_level: per_level(r("LevelChange")),
            })),
        ),
        (
            "LevelChange",
            closed(mirror!(LevelChange {
                baseline: nullable(integer()),
                in_force: integer(),
                reduction_pct: nullable(number()),
            })),
        ),
        (
            "Diff",
            closed(mirror!(Diff {
                summary: array(r("DiffSummary")),
                rows: array(r("DiffRow")),
                next_after: nullable(r("ItemCode")),
            })),
        ),
        (
            "DiffRow",
            closed(mirror!(DiffRow {
                code: r("ItemCode"),
                name: string(),
                level: r("Level"),
                division: r("DivisionCode"),
                department_id: integer(),
                change: r("DiffChange"),
                adjustment: nullable(r("AdjustmentKind")),
                decree_id: nullable(integer()),
            })),
        ),
        (
            "DiffSummary",
            closed(mirror!(DiffSummary {
                decree_id: nullable(integer()),
                adjustment: r("AdjustmentKind"),
                change: r("DiffChange"),
                level: r("Level"),
                count: integer(),
            })),
        ),
        ("Decree", closed(decree())),
        (
            "DecreeSummary",
            closed(mirror!(DecreeSummary {
                started: integer(),
                ended: integer(),
                drafted: integer(),
            } flatten {
                decree: decree(),
            })),
        ),
        (
            "DecreeDetail",
            closed(mirror!(DecreeDetail {
                adjustments: array(r("Adjustment")),
                effects: array(r("DecreeEffect")),
            } flatten {
                decree: decree(),
            })),
        ),
        (
            "DecreeEffect",
            closed(mirror!(DecreeEffect {
                adjustment: r("AdjustmentKind"),
                level: r("Level"),
                started: integer(),
                ended: integer(),
            })),
        ),
        ("Adjustment", adjustment()),
        (
            "Applied",
            closed(mirror!(Applied {
                decree_id: integer(),
                started: integer(),
                ended: integer(),
                touched: array(r("ItemCode")),
            })),
        ),
        ("ItemInput", open(item_input())),
        (
            "ItemRevision",
            open(mirror!(Revision {} optional {
                effective_on: nullable(date()),
            } flatten {
                item: item_input(),
            })),
        ),
        (
            "DecreeInput",
            open(mirror!(DecreeInput {
                number: described(
                    "a document number (文号) such as 湘政发〔2017〕8号; [] is read as 〔〕"
                ),
                title: string(),
                issued_on: date(),
                effective_on: date(),
            })),
        ),
        ("AdjustmentInput", open(adjustment_input())),
        (
            "Adjustments",
            open(mirror!(Adjustments {
                adjustments: array(r("AdjustmentInput")),
            })),
        ),
    ]
}

fn material() -> ObjectBuilder {
    mirror!(Material {
        name: string(),
        required: boolean(),
        form: r("MaterialForm"),
    } optional {
        may_defer: boolean(),
    })
    .description(Some(
        "`may_defer` (容缺): accepted on a promise to supply it later",
    ))
}

fn form_field() -> ObjectBuilder {
    mirror!(FormField {
        key: pattern("^[a-z][a-z0-9_]{0,31}$", "premises"),
        label: string(),
        kind: r("FieldKind"),
    } optional {
        required: boolean(),
        options: array(string()),
        unit: string(),
        printed: boolean(),
    })
    .description(Some(
        "One field of an item's application form (申请表): a case's `form` holds its value \
         under `key` (a multiple choice's options joined by 、). `options` for a (multi) \
         choice, `unit` for a number; `printed` (印证): the licence prints it and its \
         public verification page shows it; `required` and `printed` left out when false.",
    ))
}

fn form_field_input() -> ObjectBuilder {
    mirror!(FormFieldInput {
        key: described("lowercase ASCII: a letter, then letters, digits or _ (at most 32)"),
        label: described("1 to 20 characters"),
    } optional {
        kind: described(
            "text, long_text, choice, multi_choice, date, number or phone (or 文本, 长文本, \
             单选, 多选, 日期, 数字, 电话); empty is text",
        ),
        required: boolean(),
        options: array(string()),
        unit: nullable(string()),
        printed: boolean(),
    })
}

fn item() -> ObjectBuilder {
    mirror!(Item {
        code: r("ItemCode"),
        name: string(),
        kind: r("ItemKind"),
        department_id: integer(),
        division: r("DivisionCode"),
        promised_days: natural(u16::MAX.into()),
        visits: natural(2),
        channels: set(r("Channel")),
    } optional {
        aliases: array(string()),
        legal_basis: array(r("LegalBasis")),
        statutory_limit: r("TimeLimit"),
        materials: array(r("Material")),
        fee: r("Fee"),
        prerequisites: array(string()),
        post_links: array(string()),
        chain_group: string(),
        commitment_allowed: boolean(),
        form: array(r("FormField")),
    })
    .description(Some(
        "A service item's standard elements. Empty elements are left out.",
    ))
}

fn item_version() -> ObjectBuilder {
    mirror!(ItemVersion {
        item: r("Item"),
        version: integer(),
        valid_from: date(),
        valid_to: nullable(date()),
        started_by: nullable(integer()),
        start_change: r("AdjustmentKind"),
        ended_by: nullable(integer()),
        end_change: nullable(r("AdjustmentKind")),
    })
    .description(Some(
        "One version, in force on [valid_from, valid_to); started_by and ended_by are decree ids \
         (null for a routine revision, or while in force).",
    ))
}

fn item_summary() -> ObjectBuilder {
    mirror!(ItemSummary {
        code: r("ItemCode"),
        name: string(),
        aliases: array(string()),
        kind: r("ItemKind"),
        level: r("Level"),
        division: r("DivisionCode"),
        department_id: integer(),
        department: string(),
        statutory_days: nullable(natural(u16::MAX.into())),
        statutory_unit: nullable(r("DayCount")),
        promised_days: natural(u16::MAX.into()),
        visits: natural(2),
        channels: array(r("Channel")),
        valid_from: date(),
        valid_to: nullable(date()),
    })
}

fn stats() -> ObjectBuilder {
    mirror!(StatsReport {
        as_of: date(),
        total: integer(),
        by_level: per_level(integer()),
        by_kind: map(r("ItemKind"), integer()),
        by_department: array(r("DepartmentCount")),
        by_division: map(r("DivisionCode"), integer()),
        baseline: nullable(r("StatsBaseline")),
    })
}

/// An object with one property per level: every level is always counted.
fn per_level(value: RefOr<Schema>) -> RefOr<Schema> {
    let mut b = ObjectBuilder::new();
    for level in Level::ALL {
        let name = level.as_str();
        b = b.property(name, value.clone()).required(name);
    }
    closed(b)
}

fn decree() -> ObjectBuilder {
    mirror!(Decree {
        id: integer(),
        number: r("DecreeNumber"),
        title: string(),
        issued_on: date(),
        effective_on: date(),
        status: r("DecreeStatus"),
    })
}

/// Internally tagged by `kind`. The match names each variant's fields, and
/// `Adjustment::kind` gives the tag the domain writes for it.
fn adjustment() -> RefOr<Schema> {
    let variant = |a: AdjustmentKind, fields: &[(&str, RefOr<Schema>)]| {
        let mut b = ObjectBuilder::new()
            .property("kind", serialized([a]))
            .required("kind");
        for (name, schema) in fields {
            b = b.property(*name, schema.clone()).required(*name);
        }
        closed(b)
    };
    let _ = |a: &Adjustment| match a {
        Adjustment::Add { item: _ }
        | Adjustment::Modify { item: _ }
        | Adjustment::Cancel { code: _ }
        | Adjustment::Delegate { code: _ }
        | Adjustment::Merge { codes: _, into: _ }
        | Adjustment::PreToPost {
            code: _,
            prerequisite: _,
        } => a.kind(),
    };
    one_of([
        variant(AdjustmentKind::Add, &[("item", r("Item"))]),
        variant(AdjustmentKind::Cancel, &[("code", r("ItemCode"))]),
        variant(AdjustmentKind::Delegate, &[("code", r("ItemCode"))]),
        variant(
            AdjustmentKind::Merge,
            &[("codes", array(r("ItemCode"))), ("into", r("Item"))],
        ),
        variant(
            AdjustmentKind::PreToPost,
            &[("code", r("ItemCode")), ("prerequisite", string())],
        ),
        variant(AdjustmentKind::Modify, &[("item", r("Item"))]),
    ])
}

fn item_input() -> ObjectBuilder {
    mirror!(ItemInput {
        name: string(),
        kind: r("ItemKind"),
        department_id: integer(),
        division: r("DivisionCode"),
        channels: array(channel_names()),
    } optional {
        code: described("required in an adjustment; a revision takes it from the path"),
        aliases: array(string()),
        legal_basis: array(described("a citation as written: 《某法》第三十五条")),
        statutory_days: nullable(integer()),
        statutory_unit: nullable(described("`working` (default) or `calendar`")),
        promised_days: integer(),
        visits: natural(2),
        materials: array(r("Material")),
        fee_fen: integer(),
        fee_basis: nullable(string()),
        prerequisites: array(string()),
        post_links: array(string()),
        chain_group: nullable(string()),
        commitment_allowed: boolean(),
        form: array(r("FormFieldInput")),
    })
    .description(Some(
        "An item as sent: every element is checked and every problem reported at once.",
    ))
}

fn adjustment_input() -> ObjectBuilder {
    let kinds = AdjustmentKind::ALL
        .iter()
        .flat_map(|k| [k.as_str(), k.zh()]);
    mirror!(AdjustmentInput {
        kind: strings(kinds),
    } optional {
        code: nullable(string()),
        codes: array(string()),
        prerequisite: nullable(string()),
        item: nullable(r("ItemInput")),
    })
    .description(Some(
        "add and modify send `item`; cancel and delegate `code`; merge `codes` and `item` (what \
         stands); pre_to_post `code` and `prerequisite`.",
    ))
}

/// What `Channel::parse` reads: the API name or the Chinese one.
pub fn channel_names() -> RefOr<Schema> {
    strings(Channel::ALL.iter().flat_map(|c| [c.as_str(), c.zh()]))
}

#[cfg(test)]
mod tests {
    use bianli_domain::catalog::{Adjustment, ItemCode, ItemInput};

    /// The one tie `adjustment()` cannot check at compile time: that serde
    /// tags each variant with what `Adjustment::kind` serializes to.
    #[test]
    fn adjustment_tags_are_the_kinds() {
        let item = ItemInput {
            code: "430100-1100001".into(),
            name: "测试事项".into(),
            kind: "公共服务".into(),
            department_id: 1,
            division: "430100".into(),
            visits: 1,
            channels: vec!["hall".into()],
            ..Default::default()
        }
        .parse()
        .expect("an item");
        let code = ItemCode::parse("430100-1100002").expect("a code");
        let every = [
            Adjustment::Add { item: item.clone() },
            Adjustment::Cancel { code: code.clone() },
            Adjustment::Delegate { code: code.clone() },
            Adjustment::Merge {
                codes: vec![code.clone()],
                into: item.clone(),
            },
            Adjustment::PreToPost {
                code,
                prerequisite: "前置".into(),
            },
            Adjustment::Modify { item },
        ];
        for a in every {
            let json = serde_json::to_value(&a).expect("serializes");
            assert_eq!(
                json["kind"],
                serde_json::to_value(a.kind()).expect("serializes"),
                "{json}"
            );
        }
    }
}
