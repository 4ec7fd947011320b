//! The case state machine, transition by transition.

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};

use super::clock::tests_support::{calendar, day};
use super::*;
use crate::catalog::{Channel, Item, ItemInput, Material, MaterialForm};
use crate::division::DivisionCode;
use crate::identity::Role;

pub(crate) fn food_licence() -> Item {
    let m = |name: &str, required, may_defer| Material {
        name: name.into(),
        required,
        form: MaterialForm::Copy,
        may_defer,
    };
    ItemInput {
        code: "430100-0100001".into(),
        name: "食品经营许可".into(),
        kind: "行政许可".into(),
        department_id: 3,
        division: "430100".into(),
        legal_basis: vec!["《中华人民共和国食品安全法》第三十五条".into()],
        statutory_days: Some(20),
        promised_days: 5,
        visits: 1,
        channels: vec!["hall".into(), "web".into()],
        materials: vec![
            m("食品经营许可申请书", true, false),
            m("营业执照", true, false),
            m("食品安全管理制度", true, true),
            m("设备布局图", false, false),
        ],
        ..Default::default()
    }
    .parse()
    .unwrap()
}

fn file(name: &str) -> FileRef {
    FileRef {
        blob: "ab".repeat(32),
        name: name.into(),
        size: 1000,
        media_type: "application/pdf".into(),
    }
}

fn form() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("phone".to_string(), "13800138000".to_string()),
        ("address".to_string(), "长沙市芙蓉区五一大道1号".to_string()),
    ])
}

fn applicant() -> Applicant {
    Applicant {
        kind: ApplicantKind::Enterprise,
        name: "长沙市便利餐饮有限公司".into(),
        id: "91430100MA4L16JQ2X".into(),
        account_id: Some(100),
    }
}

pub(crate) fn submit(item: &Item, channel: Channel) -> Case {
    submit_materials(item, channel, 3)
}

/// Files for the first `n` materials.
fn submit_materials(item: &Item, channel: Channel, n: usize) -> Case {
    let materials = (0..n)
        .map(|i| Submitted {
            material: i,
            name: String::new(),
            files: vec![file("a.pdf")],
        })
        .collect();
    NewCase::check(
        item,
        Workflow::standard(),
        applicant(),
        channel,
        "account:100".into(),
        form(),
        materials,
        day("2024-11-04"),
        Utc.with_ymd_and_hms(2024, 11, 4, 2, 0, 0).unwrap(),
    )
    .unwrap()
    .into_case(
        CaseNumber::new(
            &DivisionCode::parse("430100").unwrap(),
            day("2024-11-04"),
            1,
        )
        .unwrap(),
        VerificationCode::parse("ABCDEFGH").unwrap(),
    )
}

fn who(role: Role, account_id: i64, department_id: Option<i64>) -> Who {
    Who {
        tag: format!("account:{account_id}"),
        account_id,
        role,
        department_id,
    }
}

fn clerk() -> Who {
    who(Role::Clerk, 1, Some(3))
}
fn reviewer() -> Who {
    who(Role::Reviewer, 2, Some(3))
}
fn approver() -> Who {
    who(Role::Approver, 3, Some(3))
}
fn owner() -> Who {
    who(Role::Enterprise, 100, None)
}

struct World {
    item: Item,
    cal: crate::calendar::WorkCalendar,
}

impl World {
    fn new() -> Self {
        Self {
            item: food_licence(),
            cal: calendar(),
        }
    }

    fn act(
        &self,
        case: &mut Case,
        w: &Who,
        on: &str,
        action: Action,
    ) -> Result<Applied, CaseError> {
        let today = day(on);
        let ctx = Ctx {
            who: w,
            today,
            at: Utc.from_utc_datetime(&today.and_hms_opt(3, 0, 0).unwrap()),
            calendar: &self.cal,
            item: &self.item,
        };
        case.apply(action, &ctx)
    }
}

fn accept() -> Action {
    Action::Accept { deferred: vec![] }
}

fn field_of(e: CaseError) -> Vec<String> {
    match e {
        CaseError::Invalid(i) => i.0.into_iter().map(|f| f.field).collect(),
        other => panic!("expected invalid, got {other:?}"),
    }
}

#[test]
fn the_standard_journey() {
    let w = World::new();
    let mut c = submit(&w.item, Channel::Web);
    assert_eq!(c.stage, Stage::Submitted);
    assert_eq!(c.materials[1].name, "营业执照");

    let a = w.act(&mut c, &clerk(), "2024-11-05", accept()).unwrap();
    assert_eq!(a.event, "case.accepted");
    assert_eq!(c.stage, Stage::Working);
    assert_eq!(c.accepted_on, Some(day("2024-11-05")));
    // 5 working days after Tue 5 Nov: 6, 7, 8, 11, 12.
    assert_eq!(c.dues.unwrap().promised, day("2024-11-12"));
    assert_eq!(c.current().unwrap().kind(), StepKind::Review);

    w.act(
        &mut c,
        &reviewer(),
        "2024-11-06",
        Action::Pass {
            opinion: "材料齐全，符合条件".into(),
        },
    )
    .unwrap();
    let a = w
        .act(
            &mut c,
            &approver(),
            "2024-11-07",
            Action::Decide {
                approve: true,
                opinion: "准予许可".into(),
                remedy: None,
            },
        )
        .unwrap();
    assert!(a.approved);
    assert_eq!(c.stage, Stage::Decided);
    assert_eq!(c.outcome, Some(Outcome::Approved));
    w.act(
        &mut c,
        &clerk(),
        "2024-11-08",
        Action::Deliver {
            method: DeliveryMethod::Electronic,
        },
    )
    .unwrap();
    assert_eq!(c.stage, Stage::Closed);
    let whats: Vec<_> = c.timeline.iter().map(|e| e.what.as_str()).collect();
    assert_eq!(
        whats,
        ["submitted", "accepted", "passed", "approved", "delivered"]
    );
}

#[test]
fn only_the_right_people_act_at_each_step() {
    let w = World::new();
    let mut c = submit(&w.item, Channel::Web);
    let before = c.clone();
    // A reviewer cannot accept; a clerk of another department cannot either.
    assert!(matches!(
        w.act(&mut c, &reviewer(), "2024-11-05", accept()),
        Err(CaseError::Forbidden(_))
    ));
    assert!(matches!(
        w.act(
            &mut c,
            &who(Role::Clerk, 9, Some(4)),
            "2024-11-05",
            accept()
        ),
        Err(CaseError::Forbidden(_))
    ));
    // The applicant cannot approve their own case.
    assert!(
        w.act(
            &mut c,
            &owner(),
            "2024-11-05",
            Action::Decide {
                approve: true,
                opinion: "好的好的".into(),
                remedy: None
            }
        )
        .is_err()
    );
    assert_eq!(c, before, "a refused action changes nothing");

    w.act(&mut c, &clerk(), "2024-11-05", accept()).unwrap();
    // Deciding before the review is a state error, not a permission one.
    assert!(matches!(
        w.act(
            &mut c,
            &approver(),
            "2024-11-05",
            Action::Decide {
                approve: true,
                opinion: "准予许可".into(),
                remedy: None
            }
        ),
        Err(CaseError::State(_))
    ));
    // Accepting twice is a state error.
    assert!(matches!(
        w.act(&mut c, &clerk(), "2024-11-05", accept()),
        Err(CaseError::State(_))
    ));
}

#[test]
fn refusal_needs_reasons_and_closes_the_case() {
    let w = World::new();
    let mut c = submit(&w.item, Channel::Web);
    let e = w
        .act(
            &mut c,
            &clerk(),
            "2024-11-05",
            Action::Refuse {
                reasons: " ".into(),
                remedy: None,
            },
        )
        .unwrap_err();
    assert_eq!(field_of(e), ["reasons"]);
    w.act(
        &mut c,
        &clerk(),
        "2024-11-05",
        Action::Refuse {
            reasons: "申请事项不属于本机关职权范围".into(),
            remedy: Some(default_remedy("长沙市市场监督管理局")),
        },
    )
    .unwrap();
    assert_eq!(c.stage, Stage::Closed);
    assert_eq!(c.outcome, Some(Outcome::Refused));
    assert!(c.decision.unwrap().remedy.unwrap().contains("行政复议"));
}

#[test]
fn corrections_are_asked_for_once_and_resubmission_restarts_acceptance() {
    let w = World::new();
    let mut c = submit(&w.item, Channel::Web);
    let e = w
        .act(
            &mut c,
            &clerk(),
            "2024-11-05",
            Action::RequestCorrection { items: vec![] },
        )
        .unwrap_err();
    assert_eq!(field_of(e), ["items"]);
    let e = w
        .act(
            &mut c,
            &clerk(),
            "2024-11-05",
            Action::RequestCorrection {
                items: vec![
                    CorrectionRequest {
                        material: 1,
                        reason: "复印件不清晰".into(),
                    },
                    CorrectionRequest {
                        material: 9,
                        reason: "无此材料".into(),
                    },
                    CorrectionRequest {
                        material: 1,
                        reason: "重复".into(),
                    },
                ],
            },
        )
        .unwrap_err();
    assert_eq!(field_of(e), ["items[1].material", "items[2].material"]);
    w.act(
        &mut c,
        &clerk(),
        "2024-11-05",
        Action::RequestCorrection {
            items: vec![
                CorrectionRequest {
                    material: 1,
                    reason: "复印件不清晰".into(),
                },
                CorrectionRequest {
                    material: 3,
                    reason: "缺少设备布局图".into(),
                },
            ],
        },
    )
    .unwrap();
    assert_eq!(c.stage, Stage::Correcting);
    // The window cannot accept while corrections are outstanding.
    assert!(matches!(
        w.act(&mut c, &clerk(), "2024-11-06", accept()),
        Err(CaseError::State(_))
    ));
    // Someone else cannot resubmit for the applicant.
    assert!(matches!(
        w.act(
            &mut c,
            &who(Role::Citizen, 55, None),
            "2024-11-08",
            Action::Resubmit
        ),
        Err(CaseError::Forbidden(_))
    ));
    w.act(&mut c, &owner(), "2024-11-08", Action::Resubmit)
        .unwrap();
    assert_eq!(c.stage, Stage::Submitted);
    assert_eq!(c.received_on, day("2024-11-08"));
    // 一次性告知: no second round.
    assert!(matches!(
        w.act(
            &mut c,
            &clerk(),
            "2024-11-11",
            Action::RequestCorrection {
                items: vec![CorrectionRequest {
                    material: 0,
                    reason: "又发现问题".into()
                }],
            },
        ),
        Err(CaseError::State(_))
    ));
    w.act(&mut c, &clerk(), "2024-11-11", accept()).unwrap();
}

#[test]
fn deferred_materials_only_where_the_item_allows() {
    let w = World::new();
    let mut c = submit_materials(&w.item, Channel::Web, 2);
    // Material 2 (管理制度) is required and missing; it may be deferred.
    let promise = |material, by: &str| DeferredPromise {
        material,
        promised_by: day(by),
    };
    let e = w
        .act(
            &mut c,
            &clerk(),
            "2024-11-05",
            Action::Accept {
                deferred: vec![promise(1, "2024-11-08"), promise(2, "2024-12-20")],
            },
        )
        .unwrap_err();
    assert_eq!(
        field_of(e),
        ["deferred[0].material", "deferred[1].promised_by"]
    );
    // Accepting without the missing material is refused too.
    let e = w.act(&mut c, &clerk(), "2024-11-05", accept()).unwrap_err();
    assert_eq!(field_of(e), ["deferred"]);
    w.act(
        &mut c,
        &clerk(),
        "2024-11-05",
        Action::Accept {
            deferred: vec![promise(2, "2024-11-08")],
        },
    )
    .unwrap();
    assert_eq!(c.deferred[0].name, "食品安全管理制度");
    let e = w
        .act(
            &mut c,
            &owner(),
            "2024-11-07",
            Action::Supply { material: 1 },
        )
        .unwrap_err();
    assert_eq!(field_of(e), ["material"]);
    w.act(
        &mut c,
        &owner(),
        "2024-11-07",
        Action::Supply { material: 2 },
    )
    .unwrap();
    assert_eq!(c.deferred[0].supplied_on, Some(day("2024-11-07")));
}

#[test]
fn suspension_stops_the_clock_and_extension_is_once() {
    let w = World::new();
    let mut c = submit(&w.item, Channel::Web);
    w.act(&mut c, &clerk(), "2024-11-04", accept()).unwrap();
    assert_eq!(c.dues.unwrap().promised, day("2024-11-11"));
    w.act(
        &mut c,
        &reviewer(),
        "2024-11-06",
        Action::Suspend {
            kind: SuspensionKind::Testing,
            reason: "送检食品样品".into(),
        },
    )
    .unwrap();
    assert_eq!(c.stage, Stage::Suspended);
    assert!(matches!(
        w.act(
            &mut c,
            &reviewer(),
            "2024-11-07",
            Action::Pass {
                opinion: "通过审查".into()
            }
        ),
        Err(CaseError::State(_))
    ));
    w.act(&mut c, &reviewer(), "2024-11-11", Action::Resume)
        .unwrap();
    assert_eq!(c.dues.unwrap().promised, day("2024-11-14"));
    // Only the head approves an extension, and only once.
    assert!(matches!(
        w.act(
            &mut c,
            &reviewer(),
            "2024-11-12",
            Action::Extend {
                reason: "情况复杂".into()
            }
        ),
        Err(CaseError::Forbidden(_))
    ));
    w.act(
        &mut c,
        &approver(),
        "2024-11-12",
        Action::Extend {
            reason: "情况复杂".into(),
        },
    )
    .unwrap();
    assert_eq!(c.dues.unwrap().promised, day("2024-11-28"));
    assert!(matches!(
        w.act(
            &mut c,
            &approver(),
            "2024-11-13",
            Action::Extend {
                reason: "还要更久".into()
            }
        ),
        Err(CaseError::State(_))
    ));
}

#[test]
fn return_sends_the_case_back_one_step() {
    let w = World::new();
    let mut c = submit(&w.item, Channel::Web);
    w.act(&mut c, &clerk(), "2024-11-04", accept()).unwrap();
    // The first step after acceptance has nowhere to go back to.
    assert!(matches!(
        w.act(
            &mut c,
            &reviewer(),
            "2024-11-05",
            Action::Return {
                reason: "退回".into()
            }
        ),
        Err(CaseError::State(_))
    ));
    w.act(
        &mut c,
        &reviewer(),
        "2024-11-05",
        Action::Pass {
            opinion: "符合条件".into(),
        },
    )
    .unwrap();
    w.act(
        &mut c,
        &approver(),
        "2024-11-06",
        Action::Return {
            reason: "现场核查记录缺失".into(),
        },
    )
    .unwrap();
    assert_eq!(c.current().unwrap().kind(), StepKind::Review);
}

#[test]
fn denial_carries_reasons_and_remedy() {
    let w = World::new();
    let mut c = submit(&w.item, Channel::Web);
    w.act(&mut c, &clerk(), "2024-11-04", accept()).unwrap();
    w.act(
        &mut c,
        &reviewer(),
        "2024-11-05",
        Action::Pass {
            opinion: "现场核查不合格".into(),
        },
    )
    .unwrap();
    let a = w
        .act(
            &mut c,
            &approver(),
            "2024-11-06",
            Action::Decide {
                approve: false,
                opinion: "经营场所与有毒有害场所距离不符合要求".into(),
                remedy: Some(default_remedy("长沙市市场监督管理局")),
            },
        )
        .unwrap();
    assert_eq!(a.event, "case.denied");
    assert_eq!(c.outcome, Some(Outcome::Denied));
    assert_eq!(c.current().unwrap().kind(), StepKind::Deliver);
}

#[test]
fn joint_approval_waits_for_every_department() {
    let mut w = World::new();
    let mut steps = Workflow::standard().steps;
    steps[2].joint = vec![7];
    let workflow = Workflow::parse(steps, 3).unwrap();
    let mut c = NewCase::check(
        &w.item,
        workflow,
        applicant(),
        Channel::Web,
        "account:100".into(),
        form(),
        vec![
            Submitted {
                material: 0,
                name: String::new(),
                files: vec![file("a.pdf")],
            },
            Submitted {
                material: 1,
                name: String::new(),
                files: vec![file("b.pdf")],
            },
            Submitted {
                material: 2,
                name: String::new(),
                files: vec![file("c.pdf")],
            },
        ],
        day("2024-11-04"),
        Utc::now(),
    )
    .unwrap()
    .into_case(
        CaseNumber::parse("430100-20241104-000002").unwrap(),
        VerificationCode::parse("ABCDEFGH").unwrap(),
    );
    w.item.materials[2].may_defer = false;
    w.act(&mut c, &clerk(), "2024-11-04", accept()).unwrap();
    w.act(
        &mut c,
        &reviewer(),
        "2024-11-05",
        Action::Pass {
            opinion: "符合条件".into(),
        },
    )
    .unwrap();
    let decide = |approve| Action::Decide {
        approve,
        opinion: "同意许可".into(),
        remedy: None,
    };
    let a = w
        .act(&mut c, &approver(), "2024-11-06", decide(true))
        .unwrap();
    assert_eq!(a.event, "case.voted");
    assert_eq!(c.stage, Stage::Working);
    assert!(matches!(
        w.act(&mut c, &approver(), "2024-11-06", decide(true)),
        Err(CaseError::State(_))
    ));
    // A department that is not a party cannot vote.
    assert!(matches!(
        w.act(
            &mut c,
            &who(Role::Approver, 8, Some(8)),
            "2024-11-06",
            decide(true)
        ),
        Err(CaseError::Forbidden(_))
    ));
    let a = w
        .act(
            &mut c,
            &who(Role::Approver, 7, Some(7)),
            "2024-11-07",
            decide(true),
        )
        .unwrap();
    assert!(a.approved);
    assert_eq!(c.outcome, Some(Outcome::Approved));
}

#[test]
fn on_the_spot_items_are_decided_at_acceptance() {
    let mut w = World::new();
    w.item.promised_days = 0;
    let mut c = submit(&w.item, Channel::Web);
    let a = w.act(&mut c, &clerk(), "2024-11-04", accept()).unwrap();
    assert!(a.approved);
    assert_eq!(c.stage, Stage::Decided);
    assert_eq!(c.dues.unwrap().promised, day("2024-11-04"));
    assert_eq!(c.current().unwrap().kind(), StepKind::Deliver);
}

#[test]
fn silence_means_acceptance_after_five_working_days() {
    let w = World::new();
    let mut c = submit(&w.item, Channel::Web);
    let at = Utc::now();
    // Received Mon 4 Nov; the window has until Mon 11 Nov.
    assert!(!c.deem_accepted(day("2024-11-11"), at, &w.cal).unwrap());
    assert_eq!(c.stage, Stage::Submitted);
    assert!(c.deem_accepted(day("2024-11-12"), at, &w.cal).unwrap());
    assert!(c.deemed);
    assert_eq!(c.accepted_on, Some(day("2024-11-04")));
    assert_eq!(c.stage, Stage::Working);
    assert_eq!(c.dues.unwrap().promised, day("2024-11-11"));
    assert!(!c.deem_accepted(day("2024-11-13"), at, &w.cal).unwrap());
}

#[test]
fn assignment_keeps_others_off_the_step() {
    let w = World::new();
    let mut c = submit(&w.item, Channel::Web);
    w.act(&mut c, &clerk(), "2024-11-04", accept()).unwrap();
    let assign = |account_id, role| Action::Assign {
        account_id,
        role,
        department_id: Some(3),
    };
    // A reviewer may not hand the step to a colleague, nor to a clerk.
    assert!(matches!(
        w.act(
            &mut c,
            &reviewer(),
            "2024-11-05",
            assign(22, Role::Reviewer)
        ),
        Err(CaseError::Forbidden(_))
    ));
    let e = w
        .act(&mut c, &approver(), "2024-11-05", assign(1, Role::Clerk))
        .unwrap_err();
    assert_eq!(field_of(e), ["account_id"]);
    w.act(
        &mut c,
        &approver(),
        "2024-11-05",
        assign(22, Role::Reviewer),
    )
    .unwrap();
    assert!(matches!(
        w.act(
            &mut c,
            &reviewer(),
            "2024-11-05",
            Action::Pass {
                opinion: "符合条件".into()
            }
        ),
        Err(CaseError::Forbidden(_))
    ));
    w.act(
        &mut c,
        &who(Role::Reviewer, 22, Some(3)),
        "2024-11-05",
        Action::Pass {
            opinion: "符合条件".into(),
        },
    )
    .unwrap();
}

/// Filed at the hall, where the paper comes to the window (no files yet).
fn at_hall(item: &Item, form: BTreeMap<String, String>) -> Result<NewCase, CaseError> {
    NewCase::check(
        item,
        Workflow::standard(),
        applicant(),
        Channel::Hall,
        "account:1".into(),
        form,
        vec![],
        day("2024-11-04"),
        Utc::now(),
    )
}

#[test]
fn submissions_are_checked_field_by_field() {
    let item = food_licence();
    let mut form = form();
    form.insert("phone".into(), "12345".into());
    form.insert("colour".into(), "red".into());
    form.remove("address");
    let e = NewCase::check(
        &item,
        Workflow::standard(),
        applicant(),
        Channel::Kiosk,
        "account:100".into(),
        form,
        vec![Submitted {
            material: 7,
            name: String::new(),
            files: vec![],
        }],
        day("2024-11-04"),
        Utc::now(),
    )
    .unwrap_err();
    let CaseError::Invalid(e) = e else { panic!() };
    let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "channel",
            "form.colour",
            "form.phone",
            "form.address",
            "materials[0].material",
            "materials[0]",
            "materials[1]",
        ]
    );
    // At the hall the paper comes to the window: no files needed yet.
    assert!(at_hall(&item, self::form()).is_ok());
}

fn on_commitment() -> Action {
    Action::AcceptOnCommitment {
        signer: "王建国".into(),
        text: "本人承诺所经营场所符合食品安全要求，所填信息真实有效，如有不实愿承担撤销许可等法律责任。".into(),
    }
}

fn inspector() -> Who {
    who(Role::Inspector, 4, Some(3))
}

fn is_state(e: &CaseError) -> bool {
    matches!(e, CaseError::State(_))
}

#[test]
fn commitment_accepts_and_approves_at_once_then_verification_confirms() {
    let mut w = World::new();
    w.item.commitment_allowed = true;
    // Two materials only: under the commitment the rest is not asked for.
    let mut c = submit_materials(&w.item, Channel::Web, 2);
    let a = w
        .act(&mut c, &clerk(), "2024-11-05", on_commitment())
        .unwrap();
    assert_eq!(a.event, "case.accepted_on_commitment");
    assert!(a.approved, "the certificate is issued at once");
    assert!(c.commitment);
    assert_eq!(c.stage, Stage::Decided);
    assert_eq!(c.current().unwrap().kind(), StepKind::Deliver);
    let v = c.verification.clone().expect("a verification is open");
    assert_eq!(v.signer, "王建国");
    // 20 working days after Tue 5 Nov 2024: Tue 3 Dec.
    assert_eq!(v.due, day("2024-12-03"));
    assert!(!v.provisional);
    assert!(!v.overdue(day("2024-12-03")) && v.overdue(day("2024-12-04")));
    let whats: Vec<_> = c.timeline.iter().map(|e| e.what.as_str()).collect();
    assert!(
        whats.ends_with(&["accepted", "approved", "verification_opened"]),
        "{whats:?}"
    );

    // The clerk cannot verify; a reviewer of another department neither.
    let e = w
        .act(&mut c, &clerk(), "2024-11-20", verify(true))
        .unwrap_err();
    assert!(matches!(e, CaseError::Forbidden(_)), "{e:?}");
    let stranger = who(Role::Reviewer, 9, Some(8));
    assert!(matches!(
        w.act(&mut c, &stranger, "2024-11-20", verify(true)),
        Err(CaseError::Forbidden(_))
    ));
    // A note is required.
    let e = w
        .act(
            &mut c,
            &inspector(),
            "2024-11-20",
            Action::Verify {
                confirmed: true,
                note: " ".into(),
            },
        )
        .unwrap_err();
    assert_eq!(field_of(e), ["note"]);

    let a = w
        .act(&mut c, &inspector(), "2024-11-20", verify(true))
        .unwrap();
    assert_eq!(a.event, "case.verified");
    let r = c.verification.as_ref().unwrap().result.clone().unwrap();
    assert!(r.confirmed);
    assert_eq!(r.by, "account:4");
    assert!(!c.verification.as_ref().unwrap().overdue(day("2025-01-01")));
    // Once only.
    let e = w
        .act(&mut c, &reviewer(), "2024-11-21", verify(false))
        .unwrap_err();
    assert!(is_state(&e), "{e:?}");
    // The case goes on to delivery as any approved case.
    w.act(
        &mut c,
        &clerk(),
        "2024-11-21",
        Action::Deliver {
            method: DeliveryMethod::Electronic,
        },
    )
    .unwrap();
    assert_eq!(c.stage, Stage::Closed);
}

fn verify(confirmed: bool) -> Action {
    Action::Verify {
        confirmed,
        note: "现场核查经营场所与承诺内容一致".into(),
    }
}

#[test]
fn a_false_commitment_is_recorded_for_revocation() {
    let mut w = World::new();
    w.item.commitment_allowed = true;
    let mut c = submit(&w.item, Channel::Hall);
    w.act(&mut c, &clerk(), "2024-11-05", on_commitment())
        .unwrap();
    let a = w
        .act(&mut c, &approver(), "2024-11-25", verify(false))
        .unwrap();
    assert_eq!(a.event, "case.commitment_false");
    assert!(!a.approved);
    let r = c.verification.as_ref().unwrap().result.clone().unwrap();
    assert!(!r.confirmed);
    let last = c.timeline.last().unwrap();
    assert_eq!(last.what, "revoked");
    assert!(last.zh.contains("撤销"), "{}", last.zh);
}

#[test]
fn commitment_is_refused_where_it_does_not_apply() {
    let mut w = World::new();
    let mut c = submit(&w.item, Channel::Web);
    let before = c.clone();
    // The item does not allow it.
    let e = w
        .act(&mut c, &clerk(), "2024-11-05", on_commitment())
        .unwrap_err();
    assert!(is_state(&e), "{e:?}");
    assert!(e.to_string().contains("未实行告知承诺制"), "{e}");
    assert_eq!(c, before, "a refused action changes nothing");

    w.item.commitment_allowed = true;
    // Not the window's clerk.
    assert!(matches!(
        w.act(&mut c, &reviewer(), "2024-11-05", on_commitment()),
        Err(CaseError::Forbidden(_))
    ));
    assert!(matches!(
        w.act(&mut c, &owner(), "2024-11-05", on_commitment()),
        Err(CaseError::Forbidden(_))
    ));
    // No signer, no text: both named.
    let e = w
        .act(
            &mut c,
            &clerk(),
            "2024-11-05",
            Action::AcceptOnCommitment {
                signer: "王".into(),
                text: String::new(),
            },
        )
        .unwrap_err();
    assert_eq!(field_of(e), ["signer", "text"]);
    // A case not based on a commitment has nothing to verify.
    w.act(&mut c, &clerk(), "2024-11-05", accept()).unwrap();
    let e = w
        .act(&mut c, &reviewer(), "2024-11-06", verify(true))
        .unwrap_err();
    assert!(is_state(&e), "{e:?}");
    // Past the acceptance stage.
    let e = w
        .act(&mut c, &clerk(), "2024-11-06", on_commitment())
        .unwrap_err();
    assert!(is_state(&e), "{e:?}");
    assert!(e.to_string().contains("不能执行“告知承诺受理”"), "{e}");
}

#[test]
fn a_verification_due_past_the_loaded_calendar_is_provisional() {
    let mut w = World::new();
    w.item.commitment_allowed = true;
    let mut c = submit(&w.item, Channel::Web);
    w.act(&mut c, &clerk(), "2024-12-20", on_commitment())
        .unwrap();
    let v = c.verification.unwrap();
    assert!(v.provisional, "2025 is not loaded");
    // Monday to Friday in 2025: 20 working days after Fri 20 Dec 2024.
    assert_eq!(v.due, day("2025-01-17"));
}

#[test]
fn record_marks_what_one_save_logged_and_nothing_before() {
    let mut w = World::new();
    w.item.commitment_allowed = true;
    let mut c = submit_materials(&w.item, Channel::Web, 2);
    assert!(c.timeline.iter().all(|e| e.seq.is_none()), "unsaved");
    c.record(c.timeline.len(), 10);
    let before = c.timeline.len();
    // One action, one event, three entries: each is that event's.
    w.act(&mut c, &clerk(), "2024-11-05", on_commitment())
        .unwrap();
    let logged = c.timeline.len() - before;
    assert_eq!(logged, 3);
    c.record(logged, 17);
    let seqs: Vec<_> = c.timeline.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, [Some(10), Some(17), Some(17), Some(17)]);
    // A save that logged nothing (a card, a recount) marks nothing.
    c.record(0, 99);
    assert!(!c.timeline.iter().any(|e| e.seq == Some(99)));
    // Entries saved before links were kept read as unknown.
    let old: Entry = serde_json::from_value(serde_json::json!({
        "at": "2024-11-05T01:00:00Z", "on": "2024-11-05", "what": "accepted",
        "zh": "受理", "step": 1, "by": "account:3", "note": null,
    }))
    .unwrap();
    assert_eq!(old.seq, None);
}

#[test]
fn an_items_own_fields_are_asked_read_and_kept() {
    use crate::catalog::FormFieldInput;
    let mut item = food_licence();
    item.form = FormFieldInput::from_lines(
        "premises=经营场所|必填|文本；\
         business_type=主体业态|必填|单选|食品销售经营者/餐饮服务经营者；\
         scope=经营项目|必填|多选|预包装食品销售/热食类食品制售；\
         area=经营面积|选填|数字|平方米",
    )
    .unwrap()
    .into_iter()
    .map(|f| f.parse().unwrap())
    .collect();
    item.check().unwrap();
    let check = |form: BTreeMap<String, String>| at_hall(&item, form);
    // Left out: every required field of the item is named.
    let Err(CaseError::Invalid(e)) = check(form()) else {
        panic!("an application without the item's fields was filed")
    };
    let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(
        fields,
        ["form.premises", "form.business_type", "form.scope"]
    );
    // Filled badly: each value is named with why.
    let mut bad = form();
    bad.insert("premises".into(), "芙蓉区五一大道1号".into());
    bad.insert("business_type".into(), "小吃店".into());
    bad.insert("scope".into(), "热食类食品制售、烟草".into());
    bad.insert("area".into(), "一百".into());
    let Err(CaseError::Invalid(e)) = check(bad.clone()) else {
        panic!("bad values were filed")
    };
    let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(fields, ["form.business_type", "form.scope", "form.area"]);
    // Filled well: kept as read (choices in the options' order).
    bad.insert("business_type".into(), "餐饮服务经营者".into());
    bad.insert("scope".into(), "热食类食品制售、预包装食品销售".into());
    bad.insert("area".into(), "120.50".into());
    let case = check(bad).unwrap().into_case(
        CaseNumber::new(
            &DivisionCode::parse("430100").unwrap(),
            day("2024-11-04"),
            1,
        )
        .unwrap(),
        VerificationCode::parse("ABCDEFGH").unwrap(),
    );
    assert_eq!(case.form["scope"], "预包装食品销售、热食类食品制售");
    assert_eq!(case.form["area"], "120.50");
    assert_eq!(case.form["premises"], "芙蓉区五一大道1号");
}
