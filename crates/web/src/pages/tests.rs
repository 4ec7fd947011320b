//! Every template rendered from sample data, checked for what people look for.

use askama::Template;
use bianli_app::catalog::{ItemDetail, LevelStat, Stats};
use bianli_app::store::{
    DecreeDetail, DecreeEffect, DecreeSummary, Diff, DiffKind, DiffRow, DiffSummary, ItemVersion,
};
use bianli_app::{Actor, AppError};
use bianli_domain::catalog::{
    AdjustmentKind, Decree, DecreeInput, DecreeNumber, DecreeStatus, Department, ItemInput,
    ItemKind, Material, MaterialForm,
};
use bianli_domain::division::{Division, DivisionCode, Level};
use chrono::NaiveDate;

use super::admin_decrees::{AdjustmentForm, DraftPage, NewDecreePage};
use super::admin_items::{EditForm, edit_page};
use super::auth::{LoginPage, Viewer};
use super::decrees::{AdjustmentView, DecreesPage, DiffPage, decree_page, decree_rows, diff_view};
use super::departments::DepartmentPage;
use super::error_page::ErrorPage;
use super::field_errors::FieldErrors;
use super::guide::{Link, guide_page};
use super::home::{HomePage, LevelCount, quick_links};
use super::items::{ItemsPage, card};
use super::layout::Section;
use super::lookup::{Choice, Names};
use super::stats::stats_page;
use crate::ApiError;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a test date")
}

fn code(s: &str) -> DivisionCode {
    DivisionCode::parse(s).expect("a test division")
}

fn names() -> Names {
    let div = |c: &str, n: &str, l: Level, p: Option<&str>| Division {
        code: code(c),
        name: n.into(),
        level: l,
        parent: p.map(code),
    };
    Names::new(
        vec![
            div("430000", "湖南省", Level::Province, None),
            div("430100", "长沙市", Level::City, Some("430000")),
            div("430102", "芙蓉区", Level::County, Some("430100")),
        ],
        vec![Department {
            id: 3,
            name: "长沙市市场监督管理局".into(),
            kind: "市场监督管理局".into(),
            division: code("430100"),
        }],
    )
}

fn food_input() -> ItemInput {
    ItemInput {
        code: "430100-0100001".into(),
        name: "食品经营许可".into(),
        aliases: vec!["开饭店".into(), "开餐馆".into()],
        kind: "行政许可".into(),
        department_id: 3,
        division: "430100".into(),
        legal_basis: vec!["《中华人民共和国食品安全法》第三十五条".into()],
        statutory_days: Some(20),
        promised_days: 10,
        visits: 1,
        channels: vec!["hall".into(), "web".into()],
        materials: vec![
            Material {
                name: "营业执照<副本>".into(),
                required: true,
                form: MaterialForm::Copy,
                may_defer: true,
            },
            Material {
                name: "场所平面图".into(),
                required: false,
                form: MaterialForm::Original,
                may_defer: false,
            },
        ],
        prerequisites: vec!["个体工商户设立登记".into()],
        chain_group: Some("开办餐饮店".into()),
        ..ItemInput::default()
    }
}

fn version(
    n: i64,
    from: &str,
    to: Option<&str>,
    started_by: Option<i64>,
    end: Option<AdjustmentKind>,
) -> ItemVersion {
    ItemVersion {
        item: food_input().parse().expect("a valid item"),
        version: n,
        valid_from: day(from),
        valid_to: to.map(day),
        started_by,
        start_change: AdjustmentKind::Add,
        ended_by: end.map(|_| 2),
        end_change: end,
    }
}

fn detail(history: Vec<ItemVersion>) -> ItemDetail {
    let current = history.last().cloned().expect("a version");
    ItemDetail {
        current,
        history,
        department: None,
    }
}

fn actor(role: &str, department: Option<i64>) -> Actor {
    let row = bianli_app::store::AccountRow {
        id: 1,
        username: role.into(),
        kind: bianli_domain::identity::AccountKind::Staff,
        display_name: format!("演示{role}"),
        id_number: None,
        uscc: None,
        employee_no: None,
        password_hash: String::new(),
        role: bianli_domain::identity::Role::parse(role).expect("a role"),
        department_id: department,
        division: None,
    };
    Actor::from(row)
}

fn signed_in(role: &str, department: Option<i64>) -> Viewer {
    Viewer::signed_in(actor(role, department), "tok", "/items/430100-0100001")
}

fn numbers() -> std::collections::HashMap<i64, String> {
    [
        (1, "湘政发〔2014〕1号".to_string()),
        (2, "湘政发〔2017〕8号".to_string()),
    ]
    .into()
}

#[test]
fn the_guide_shows_materials_limits_and_history() {
    let d = detail(vec![version(1, "2014-12-31", None, Some(1), None)]);
    let html = guide_page(&d, &names(), &numbers(), &Viewer::anonymous("/"))
        .render()
        .expect("renders");
    for s in [
        "<h1>食品经营许可</h1>",
        "申请材料",
        "承诺 10 个工作日",
        "20 个工作日",
        "开饭店、开餐馆",
        "最多跑一次",
        "窗口、网上",
        "可容缺",
        "复印件",
        "非必要",
        "《中华人民共和国食品安全法》第三十五条",
        "历史沿革",
        "湘政发〔2014〕1号",
        "href=\"/decrees/1\"",
        "href=\"/departments/3\"",
        "长沙市市场监督管理局",
        "不收费",
        "开办餐饮店",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
    assert!(
        html.contains("营业执照&#60;副本&#62;") || html.contains("营业执照&lt;副本&gt;"),
        "escaped"
    );
    assert!(!html.contains("已取消"));
    assert!(!html.contains("编辑"), "no edit link for visitors");
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("跳到正文"));
}

#[test]
fn an_ended_item_says_so_and_routine_revisions_show() {
    let mut revised = version(
        2,
        "2016-01-01",
        Some("2017-06-03"),
        None,
        Some(AdjustmentKind::Cancel),
    );
    revised.start_change = AdjustmentKind::Modify;
    let d = detail(vec![
        version(1, "2014-12-31", Some("2016-01-01"), Some(1), None),
        revised,
    ]);
    let html = guide_page(&d, &names(), &numbers(), &Viewer::anonymous("/"))
        .render()
        .expect("renders");
    assert!(html.contains("已取消"));
    assert!(html.contains("2017-06-03"));
    assert!(html.contains("日常维护"));
}

#[test]
fn the_edit_link_is_for_the_items_department_only() {
    let d = detail(vec![version(1, "2014-12-31", None, Some(1), None)]);
    let own = guide_page(&d, &names(), &numbers(), &signed_in("deptadmin", Some(3)))
        .render()
        .expect("renders");
    assert!(own.contains("/admin/items/430100-0100001/edit"));
    assert!(own.contains("退出"));
    assert!(own.contains("name=\"csrf\""));
    let other = guide_page(&d, &names(), &numbers(), &signed_in("deptadmin", Some(4)))
        .render()
        .expect("renders");
    assert!(!other.contains("/admin/items/430100-0100001/edit"));
    let admin = guide_page(&d, &names(), &numbers(), &signed_in("admin", None))
        .render()
        .expect("renders");
    assert!(admin.contains("/admin/items/430100-0100001/edit"));
}

#[test]
fn the_home_page_has_the_search_box() {
    let page = HomePage {
        chrome: Viewer::anonymous("/").chrome(Section::Home),
        quick: quick_links(),
        levels: vec![LevelCount {
            label: "省级",
            count: "1,234".into(),
            href: "/items?level=province".into(),
        }],
        total: "1,234".into(),
        today: "2026-01-01".into(),
    };
    let html = page.render().expect("renders");
    for s in [
        "我要办",
        "id=\"q\"",
        "name=\"q\"",
        ">搜索</button>",
        "开饭店",
        "卖烟",
        "1,234",
        "aria-current=\"page\"",
        "登录",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
}

#[test]
fn result_cards_link_by_the_items_name() {
    let names = names();
    let v = version(1, "2014-12-31", None, Some(1), None);
    let page = ItemsPage {
        chrome: Viewer::anonymous("/items").chrome(Section::Items),
        filters: super::items::Filters {
            q: "开饭店".into(),
            levels: vec![Choice::new("city", "市级", "city")],
            kinds: vec![],
            channels: vec![],
            divisions: super::lookup::division_groups(&names.divisions, "430102"),
            department: None,
            zero_trip: true,
            as_of: String::new(),
            clear_department_href: "/items".into(),
        },
        errors: vec![],
        total: "41".into(),
        cards: vec![card(&v, &names)],
        next_href: Some("/items?q=x&cursor=o20".into()),
        first_href: None,
        ranked: true,
    };
    let html = page.render().expect("renders");
    for s in [
        "<a href=\"/items/430100-0100001\">食品经营许可</a>",
        "共 41 项",
        "下一页",
        "cursor=o20",
        "<optgroup label=\"长沙市 所辖县市区\">",
        "value=\"430102\" selected",
        "id=\"zero_trip\" name=\"zero_trip\" value=\"on\" checked",
        "长沙市市场监督管理局",
        "跑动次数",
        "承诺 10 个工作日",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
}

#[test]
fn bad_filters_list_their_errors() {
    let e = ApiError(AppError::Invalid(bianli_domain::Invalid::one(
        "level",
        "层级“x”无法识别，应为省级、市级或县级（province/city/county）",
    )));
    let page = ItemsPage {
        chrome: Viewer::anonymous("/items").chrome(Section::Items),
        filters: super::items::Filters {
            q: String::new(),
            levels: vec![],
            kinds: vec![],
            channels: vec![],
            divisions: vec![],
            department: Some(("3".into(), "长沙市市场监督管理局".into())),
            zero_trip: false,
            as_of: String::new(),
            clear_department_href: "/items".into(),
        },
        errors: super::error_page::field_views(&e),
        total: String::new(),
        cards: vec![],
        next_href: None,
        first_href: None,
        ranked: false,
    };
    let html = page.render().expect("renders");
    assert!(html.contains("请修改以下内容"));
    assert!(html.contains("层级"));
    assert!(html.contains("层级“x”无法识别"));
    assert!(!html.contains("共 0 项"));
}

#[test]
fn the_error_page_explains_in_chinese() {
    let e = ApiError(AppError::NotFound("item 430100-0100009".into()));
    let html = ErrorPage::of(&e, Viewer::anonymous("/").chrome(Section::None))
        .render()
        .expect("renders");
    assert!(html.contains("未找到"));
    assert!(html.contains("没有找到"));
    assert!(html.contains("404"));
}

fn stats() -> Stats {
    Stats {
        as_of: day("2017-06-03"),
        baseline_date: Some(day("2014-12-31")),
        total: 900,
        baseline_total: Some(1000),
        reduction_pct: Some(10.0),
        levels: vec![
            LevelStat {
                level: Level::Province,
                in_force: 400,
                baseline: Some(500),
                reduction_pct: Some(20.0),
            },
            LevelStat {
                level: Level::City,
                in_force: 300,
                baseline: Some(300),
                reduction_pct: Some(0.0),
            },
            LevelStat {
                level: Level::County,
                in_force: 200,
                baseline: Some(200),
                reduction_pct: Some(0.0),
            },
        ],
        by_kind: vec![(ItemKind::Licensing, 500), (ItemKind::PublicService, 400)],
        by_department: vec![(3, 120), (9, 300)],
        by_division: vec![("430100".into(), 77)],
    }
}

#[test]
fn stats_show_reduction_and_a_chart() {
    let html = stats_page(
        &stats(),
        &names(),
        &Viewer::anonymous("/stats"),
        "2017-06-03",
    )
    .render()
    .expect("renders");
    for s in [
        "权力清单统计",
        "减少 20.0%",
        "减少 10.0%",
        "<svg",
        "<title>省级：2014-12-31 500 项</title>",
        "行政许可",
        "长沙市",
        "/items?division=430100&#38;as_of=2017-06-03",
        ">77<",
        "部门 9",
        "baseline=2014-12-31",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
    // The biggest department comes first.
    assert!(html.find("部门 9") < html.find("长沙市市场监督管理局"));
}

#[test]
fn stats_without_a_baseline_have_no_reduction_column() {
    let mut s = stats();
    s.baseline_date = None;
    s.baseline_total = None;
    s.reduction_pct = None;
    for l in &mut s.levels {
        l.baseline = None;
        l.reduction_pct = None;
    }
    let html = stats_page(&s, &names(), &Viewer::anonymous("/stats"), "")
        .render()
        .expect("renders");
    assert!(!html.contains("精简"));
    assert!(html.contains("/items?division=430100\""));
}

fn decree(status: DecreeStatus) -> Decree {
    Decree {
        id: 2,
        number: DecreeNumber::parse("湘政发〔2017〕8号").expect("a number"),
        title: "关于取消和调整一批行政权力事项的决定（演示）".into(),
        issued_on: day("2017-04-10"),
        effective_on: day("2017-06-03"),
        status,
    }
}

#[test]
fn decrees_list_and_page() {
    let list = vec![
        DecreeSummary {
            decree: decree(DecreeStatus::Applied),
            started: 10,
            ended: 20,
            drafted: 0,
        },
        DecreeSummary {
            decree: Decree {
                id: 3,
                ..decree(DecreeStatus::Draft)
            },
            started: 0,
            ended: 0,
            drafted: 4,
        },
    ];
    let html = DecreesPage {
        chrome: Viewer::anonymous("/decrees").chrome(Section::Decrees),
        rows: decree_rows(&list, false),
        maintainer: false,
    }
    .render()
    .expect("renders");
    for s in [
        "湘政发〔2017〕8号",
        "已施行",
        "草稿",
        "2017-06-03",
        "href=\"/decrees/3\"",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
    let detail = DecreeDetail {
        decree: decree(DecreeStatus::Applied),
        adjustments: vec![],
        effects: vec![DecreeEffect {
            adjustment: AdjustmentKind::Cancel,
            level: Level::Province,
            started: 0,
            ended: 12,
        }],
    };
    let html = decree_page(&detail, vec![], &Viewer::anonymous("/"))
        .render()
        .expect("renders");
    assert!(html.contains("/diff?from=2017-06-02&#38;to=2017-06-03"));
    assert!(html.contains("取消"));
    assert!(html.contains(">12<"));
}

#[test]
fn the_diff_lists_changes() {
    let diff = Diff {
        summary: vec![DiffSummary {
            decree_id: Some(2),
            adjustment: AdjustmentKind::Delegate,
            change: DiffKind::Removed,
            level: Level::Province,
            count: 3,
        }],
        rows: vec![DiffRow {
            code: "430000-0100001".into(),
            name: "某某许可".into(),
            level: Level::Province,
            division: "430000".into(),
            department_id: 3,
            change: DiffKind::Removed,
            adjustment: Some(AdjustmentKind::Delegate),
            decree_id: Some(2),
        }],
        next_after: Some("430000-0100001".into()),
    };
    let mut page = DiffPage {
        chrome: Viewer::anonymous("/diff").chrome(Section::Decrees),
        from: "2017-06-02".into(),
        to: "2017-06-03".into(),
        division: String::new(),
        asked: true,
        summary: vec![],
        rows: vec![],
        next_href: None,
    };
    diff_view(&mut page, &diff, &names(), &numbers());
    let html = page.render().expect("renders");
    for s in [
        "下放",
        "取消",
        "湖南省",
        "href=\"/items/430000-0100001\"",
        "湘政发〔2017〕8号",
        "cursor=430000-0100001",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
}

#[test]
fn department_page() {
    let v = version(1, "2014-12-31", None, Some(1), None);
    let page = DepartmentPage {
        chrome: Viewer::anonymous("/departments/3").chrome(Section::Items),
        name: "长沙市市场监督管理局".into(),
        division: "长沙市".into(),
        division_href: "/items?division=430100".into(),
        total: "1".into(),
        cards: vec![card(&v, &names())],
        next_href: None,
        first_href: None,
        search_href: "/items?department=3".into(),
    };
    let html = page.render().expect("renders");
    assert!(html.contains("<h1>长沙市市场监督管理局</h1>"));
    assert!(html.contains(">食品经营许可</a>"));
}

#[test]
fn the_login_page_keeps_next_and_reports_failure() {
    let html = LoginPage {
        chrome: Viewer::anonymous("/login").chrome(Section::Login),
        next: "/admin/decrees/new".into(),
        username: "deptadmin".into(),
        error: Some("用户名或密码错误"),
    }
    .render()
    .expect("renders");
    for s in [
        "用户名或密码错误",
        "value=\"/admin/decrees/new\"",
        "for=\"username\"",
        "for=\"password\"",
        "value=\"deptadmin\"",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
}

#[test]
fn the_edit_form_puts_errors_next_to_fields() {
    let d = detail(vec![version(1, "2014-12-31", None, Some(1), None)]);
    let viewer = signed_in("deptadmin", Some(3));
    let form = EditForm::from_input(&food_input(), "2026-01-01".into());
    let errors = FieldErrors(vec![
        (
            "promised_days".into(),
            "the promised limit exceeds the statutory limit".into(),
        ),
        (
            "materials[1].may_defer".into(),
            "only a required material can be deferred".into(),
        ),
    ]);
    let html = edit_page(&d, form, errors, &viewer)
        .render()
        .expect("renders");
    for s in [
        "name=\"csrf\" value=\"",
        &bianli_app::identity::csrf_token("tok"),
        "id=\"e-promised_days\"",
        "aria-describedby=\"e-promised_days\"",
        "href=\"#f-promised_days\"",
        "href=\"#f-m1_name\"",
        "id=\"e-m1\"",
        "value=\"营业执照&#60;副本&#62;\"",
        "value=\"web\" checked",
        "开饭店\n开餐馆",
        "for=\"f-m4_name\"",
        "value=\"2026-01-01\"",
    ] {
        assert!(
            html.contains(s) || html.contains(&s.replace("&#60;", "&lt;").replace("&#62;", "&gt;")),
            "missing {s}"
        );
    }
}

#[test]
fn decree_admin_pages() {
    let viewer = signed_in("admin", None);
    let html = NewDecreePage {
        chrome: viewer.chrome(Section::Admin),
        csrf: viewer.csrf(),
        form: DecreeInput::default(),
        summary: FieldErrors(vec![("number".into(), "not a number".into())])
            .links(|h, _| Some(format!("f-{h}"))),
        errors: FieldErrors(vec![("number".into(), "not a number".into())]),
    }
    .render()
    .expect("renders");
    assert!(html.contains("id=\"e-number\""));
    assert!(html.contains("文号"));

    let page = DraftPage {
        chrome: viewer.chrome(Section::Admin),
        csrf: viewer.csrf(),
        id: 3,
        number: "湘政发〔2017〕9号".into(),
        title: "关于下放一批事项的决定（演示）".into(),
        issued_on: "2017-05-01".into(),
        effective_on: "2017-06-03".into(),
        applied: false,
        adjustments: vec![AdjustmentView {
            kind: "取消",
            items: vec![Link {
                href: "/items/430000-0100001".into(),
                label: "某某许可（430000-0100001）".into(),
            }],
            note: String::new(),
        }],
        more_adjustments: 0,
        kinds: vec![Choice::new("cancel", "取消", "cancel")],
        form: AdjustmentForm {
            kind: "cancel".into(),
            code: String::new(),
            prerequisite: String::new(),
        },
        errors: FieldErrors::default(),
        summary: vec![],
        apply_errors: vec![],
    };
    let html = page.render().expect("renders");
    for s in [
        "/admin/decrees/3/adjustments",
        "/admin/decrees/3/apply",
        "施行本决定",
        "某某许可",
        "action=\"/admin/decrees/3/add\"",
        "action=\"/admin/decrees/3/modify\"",
        "action=\"/admin/decrees/3/merge\"",
        "新增事项",
        "修改事项",
        "合并事项",
    ] {
        assert!(html.contains(s), "missing {s}");
    }
    assert!(
        !html.contains("/api/v1/"),
        "every kind of adjustment is made on the page"
    );
}

#[test]
fn the_guide_and_the_form_show_commitment() {
    let mut d = detail(vec![version(1, "2014-12-31", None, Some(1), None)]);
    let plain = guide_page(&d, &names(), &numbers(), &Viewer::anonymous("/"))
        .render()
        .expect("renders");
    assert!(!plain.contains("告知承诺"), "only where the item allows it");
    d.current.item.commitment_allowed = true;
    let html = guide_page(&d, &names(), &numbers(), &Viewer::anonymous("/"))
        .render()
        .expect("renders");
    assert!(html.contains("实行告知承诺制"), "{html}");
    assert!(html.contains("20个工作日内事后核查"), "{html}");

    let viewer = signed_in("deptadmin", Some(3));
    let mut input = food_input();
    input.commitment_allowed = true;
    let form = EditForm::from_input(&input, "2026-01-01".into());
    let html = edit_page(&d, form, FieldErrors(vec![]), &viewer)
        .render()
        .expect("renders");
    assert!(
        html.contains("name=\"commitment_allowed\" value=\"on\" checked"),
        "{html}"
    );
}
