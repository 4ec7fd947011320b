//! The cases' operations (`/cases/...`) and the schemas of their bodies.

use axum::http::StatusCode;
use bianli_app::cases::PublicEntry;
use bianli_app::cases::{
    CaseView, CertificateView, ListedRating, ListedVerification, PublicStatus, QueueEntry,
    RatingInput, RatingQuery, Receipt, Swept,
};
use bianli_app::ledger::LeafLink;
use bianli_app::store::cases::{
    CardRow, DepartmentRatings, ItemRatings, OpenVerification, RatingStats,
};
use bianli_domain::cases::{
    Applicant, ApplicantKind, CardKind, Case, Certificate, Correction, CorrectionItem, Decision,
    Deferred, Delivery, DeliveryMethod, Dues, Entry, Extension, FileRef, FollowUp, Limits, Outcome,
    Rating, Stage, StepKind, StepState, StepTemplate, Submitted, Suspension, SuspensionKind,
    Validity, Verification, VerificationResult, Vote,
};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema};

use super::operation::{Op, queries};
use super::schema::{
    array, boolean, closed, date, date_time, every, integer, map, mirror, natural, nullable,
    one_of, open, pattern, r, serialized, string, strings,
};
use crate::api::cases::{
    AnswerBody, Cards, CaseList, CodeQuery, Ratings, Steps, UploadQuery, Verifications,
};

const TAG: &str = "cases";

fn number() -> RefOr<Schema> {
    r("CaseNumber")
}

pub fn schemas() -> Vec<(&'static str, RefOr<Schema>)> {
    vec![
        (
            "CaseNumber",
            pattern("^[0-9]{6}-[0-9]{8}-[0-9]{6}$", "430100-20261126-000123"),
        ),
        (
            "Stage",
            serialized(every!(Stage {
                Submitted,
                Correcting,
                Working,
                Suspended,
                Decided,
                Closed
            })),
        ),
        (
            "Outcome",
            serialized(every!(Outcome {
                Approved,
                Denied,
                Refused,
                Withdrawn
            })),
        ),
        ("CardKind", serialized(every!(CardKind { Yellow, Red }))),
        (
            "ApplicantKind",
            serialized(every!(ApplicantKind {
                Citizen,
                Enterprise
            })),
        ),
        (
            "SuspensionKind",
            serialized(every!(SuspensionKind {
                Correction,
                Hearing,
                Testing,
                ExpertReview
            })),
        ),
        (
            "DeliveryMethod",
            serialized(every!(DeliveryMethod {
                PickUp,
                Mail,
                Electronic
            })),
        ),
        (
            "StepKind",
            serialized(every!(StepKind {
                Accept,
                Review,
                Decide,
                Deliver
            })),
        ),
        (
            "Validity",
            serialized(every!(Validity {
                Valid,
                Revoked,
                Expired
            })),
        ),
        (
            "Receipt",
            closed(mirror!(Receipt {
                number: number(),
                verification_code: string(),
                item: r("ItemCode"),
                item_name: string(),
                department_id: integer(),
                channel: r("Channel"),
                received_on: date(),
                acceptance_due: date(),
                promised_days: natural(u16::MAX.into()),
                status_path: string(),
                ledger_secret: nullable(pattern(
                    "^[0-9a-f]{32}$",
                    "00112233445566778899aabbccddeeff"
                )),
            })),
        ),
        (
            "QueueEntry",
            closed(mirror!(QueueEntry {
                number: number(),
                item_name: string(),
                applicant: string(),
                channel: string(),
                stage: r("Stage"),
                stage_zh: string(),
                step_name: nullable(string()),
                received_on: date(),
                due: nullable(date()),
                days_left: nullable(integer()),
                card: nullable(r("CardKind")),
                assignee: nullable(integer()),
            })),
        ),
        (
            "CaseList",
            closed(mirror!(CaseList {
                cases: array(r("QueueEntry"))
            })),
        ),
        (
            "CardRow",
            closed(mirror!(CardRow {
                case_number: number(),
                step: integer(),
                kind: r("CardKind"),
                department_id: integer(),
                assignee: nullable(integer()),
                on: date(),
                reason: string(),
            })),
        ),
        (
            "Cards",
            closed(mirror!(Cards {
                cards: array(r("CardRow"))
            })),
        ),
        (
            "Swept",
            closed(mirror!(Swept {
                deemed_accepted: integer(),
                yellow: integer(),
                red: integer(),
                recounted: integer(),
                follow_ups_recounted: integer(),
            })),
        ),
        ("Score", score()),
        (
            "RatingInput",
            closed(mirror!(RatingInput { score: r("Score") } optional {
                comment: nullable(bounded(500)),
            })),
        ),
        (
            "AnswerBody",
            closed(mirror!(AnswerBody {
                answer: bounded(1000)
            })),
        ),
        (
            "FollowUp",
            closed(mirror!(FollowUp {
                due: date(),
                provisional: boolean(),
                answer: nullable(string()),
                answered_on: nullable(date()),
            })),
        ),
        ("Rating", closed(rating())),
        (
            "ListedRating",
            closed(mirror!(ListedRating {
                overdue: boolean(),
            }
            flatten { rating: rating() })),
        ),
        (
            "Ratings",
            closed(mirror!(Ratings {
                ratings: array(r("ListedRating"))
            })),
        ),
        (
            "ItemRatings",
            closed(mirror!(ItemRatings {
                item_code: r("ItemCode"),
                count: integer(),
                average: super::schema::number(),
                bad: integer(),
                open: integer(),
                overdue: integer(),
            })),
        ),
        (
            "DepartmentRatings",
            closed(mirror!(DepartmentRatings {
                department_id: integer(),
                count: integer(),
                average: super::schema::number(),
                bad: integer(),
                open: integer(),
                overdue: integer(),
            })),
        ),
        (
            "RatingStats",
            closed(mirror!(RatingStats {
                items: array(r("ItemRatings")),
                departments: array(r("DepartmentRatings")),
            })),
        ),
        (
            "ListedVerification",
            closed(mirror!(ListedVerification {
                overdue: boolean(),
            }
            flatten { verification: open_verification() })),
        ),
        (
            "Verifications",
            closed(mirror!(Verifications {
                verifications: array(r("ListedVerification"))
            })),
        ),
        (
            "Verification",
            closed(mirror!(Verification {
                signer: string(),
                text: string(),
                signed_on: date(),
                due: date(),
                provisional: boolean(),
                result: nullable(r("VerificationResult")),
            })),
        ),
        (
            "VerificationResult",
            closed(mirror!(VerificationResult {
                confirmed: boolean(),
                note: string(),
                on: date(),
                by: string(),
            })),
        ),
        (
            "Dues",
            closed(mirror!(Dues {
                promised: date(),
                statutory: nullable(date()),
                provisional: boolean(),
            })),
        ),
        (
            "PublicEntry",
            closed(mirror!(PublicEntry {
                on: date(),
                what: string(),
                zh: string(),
                note: nullable(string()),
                ledger: r("LeafLink"),
            })),
        ),
        (
            "PublicStatus",
            closed(mirror!(PublicStatus {
                number: number(),
                item_name: string(),
                department: string(),
                stage: r("Stage"),
                stage_zh: string(),
                outcome: nullable(r("Outcome")),
                received_on: date(),
                accepted_on: nullable(date()),
                dues: nullable(r("Dues")),
                days_left: nullable(integer()),
                certificate: nullable(string()),
                timeline: array(r("PublicEntry")),
            })),
        ),
        (
            "StepTemplate",
            closed(
                mirror!(StepTemplate {
                    kind: r("StepKind"),
                    name: string(),
                    role: r("Role"),
                }
                optional { joint: array(integer()) })
                .description(Some(
                    "`joint`: other departments deciding alongside (并联), on the decide step only",
                )),
            ),
        ),
        (
            "Steps",
            closed(mirror!(Steps {
                steps: array(r("StepTemplate"))
            })),
        ),
        ("Certificate", closed(certificate())),
        (
            "CertificateView",
            closed(mirror!(CertificateView {
                department: string(),
                validity: r("Validity"),
                validity_zh: string(),
            }
            flatten { certificate: certificate() })),
        ),
        (
            "Applicant",
            closed(mirror!(Applicant {
                kind: r("ApplicantKind"),
                name: string(),
                id: string(),
                account_id: nullable(integer()),
            })),
        ),
        (
            "FileRef",
            closed(mirror!(FileRef {
                blob: pattern("^[0-9a-f]{64}$", &"ab".repeat(32)),
                name: string(),
                size: integer(),
                media_type: string(),
            })),
        ),
        (
            "SubmittedMaterial",
            closed(mirror!(Submitted {
                material: integer(),
                name: string(),
                files: array(r("FileRef")),
            })),
        ),
        (
            "Vote",
            closed(mirror!(Vote {
                department_id: integer(),
                approve: boolean(),
                opinion: string(),
                by: string(),
                on: date(),
            })),
        ),
        (
            "StepState",
            closed(mirror!(StepState {
                assignee: nullable(integer()),
                started_on: nullable(date()),
                done_on: nullable(date()),
            }
            optional { votes: array(r("Vote")) }
            flatten { template: step_template() })),
        ),
        (
            "Limits",
            closed(mirror!(Limits {
                promised_days: natural(u16::MAX.into()),
                statutory: nullable(r("TimeLimit")),
            })),
        ),
        (
            "Suspension",
            closed(mirror!(Suspension {
                kind: r("SuspensionKind"),
                reason: string(),
                from: date(),
                to: nullable(date()),
            })),
        ),
        (
            "Extension",
            closed(mirror!(Extension {
                days: natural(u16::MAX.into()),
                reason: string(),
                by: string(),
                on: date(),
            })),
        ),
        (
            "Deferred",
            closed(mirror!(Deferred {
                material: integer(),
                name: string(),
                promised_by: date(),
                supplied_on: nullable(date()),
            })),
        ),
        (
            "CorrectionItem",
            closed(mirror!(CorrectionItem {
                material: integer(),
                name: string(),
                reason: string(),
            })),
        ),
        (
            "Correction",
            closed(mirror!(Correction {
                items: array(r("CorrectionItem")),
                on: date(),
                resubmitted_on: nullable(date()),
            })),
        ),
        (
            "Decision",
            closed(mirror!(Decision {
                outcome: r("Outcome"),
                reasons: string(),
                remedy: nullable(string()),
                by: string(),
                on: date(),
            })),
        ),
        (
            "Delivery",
            closed(mirror!(Delivery {
                method: r("DeliveryMethod"),
                on: date(),
            })),
        ),
        (
            "Entry",
            closed(mirror!(Entry {
                at: date_time(),
                on: date(),
                what: string(),
                zh: string(),
                step: nullable(integer()),
                by: string(),
                note: nullable(string()),
                seq: nullable(integer()),
            })),
        ),
        ("LeafLink", leaf_link()),
        (
            "CaseView",
            closed(mirror!(CaseView {
                revision: integer(),
                stage_zh: string(),
                step_name: nullable(string()),
                days_left: nullable(integer()),
                card: nullable(r("CardKind")),
                verification_overdue: boolean(),
                ledger: array(r("LeafLink")),
            }
            flatten { case: case() })),
        ),
    ]
}

/// Where the ledger records a timeline entry: one object per state.
fn leaf_link() -> RefOr<Schema> {
    // Names every variant and field: changing `LeafLink` fails to compile here.
    let _ = |l: &LeafLink| match l {
        LeafLink::Recorded {
            seq: _,
            index: _,
            size: _,
            entry: _,
            proof: _,
        }
        | LeafLink::Pending { seq: _ }
        | LeafLink::Unlinked => {}
    };
    let status = |s: &str| {
        ObjectBuilder::new()
            .property("status", strings([s]))
            .required("status")
    };
    one_of([
        closed(
            status("recorded")
                .description(Some(
                    "In the log under the latest signed checkpoint (`size`): `entry` fetches the \
                     leaf, `proof` its inclusion proof.",
                ))
                .property("seq", integer())
                .required("seq")
                .property("index", integer())
                .required("index")
                .property("size", integer())
                .required("size")
                .property("entry", string())
                .required("entry")
                .property("proof", string())
                .required("proof"),
        ),
        closed(
            status("pending")
                .description(Some(
                    "待入账: the event is saved; the log appends and signs it within seconds.",
                ))
                .property("seq", integer())
                .required("seq"),
        ),
        closed(status("unlinked").description(Some(
            "Saved before timeline entries kept their event: no link is known.",
        ))),
    ])
}

fn step_template() -> ObjectBuilder {
    mirror!(StepTemplate {
        kind: r("StepKind"),
        name: string(),
        role: r("Role"),
    }
    optional { joint: array(integer()) })
}

fn certificate() -> ObjectBuilder {
    mirror!(Certificate {
        number: string(),
        case_number: number(),
        item_code: r("ItemCode"),
        item_name: string(),
        holder: string(),
        holder_id: string(),
        department_id: integer(),
        issued_on: date(),
        valid_until: nullable(date()),
        revoked: nullable(string()),
    } optional {
        details: array(open(
            ObjectBuilder::new()
                .property("label", string())
                .required("label")
                .property("value", string())
                .required("value"),
        )),
    })
}

fn case() -> ObjectBuilder {
    mirror!(Case {
        number: number(),
        code: pattern("^[2-9A-HJKMNP-Z]{8}$", "K7M2Q9TX"),
        item: r("ItemCode"),
        item_name: string(),
        department_id: integer(),
        division: string(),
        applicant: r("Applicant"),
        channel: r("Channel"),
        filed_by: string(),
        form: map(string(), string()),
        materials: array(r("SubmittedMaterial")),
        stage: r("Stage"),
        outcome: nullable(r("Outcome")),
        step: integer(),
        steps: array(r("StepState")),
        limits: r("Limits"),
        received_on: date(),
        accepted_on: nullable(date()),
        deemed: boolean(),
        commitment: boolean(),
        verification: nullable(r("Verification")),
        dues: nullable(r("Dues")),
        suspensions: array(r("Suspension")),
        extension: nullable(r("Extension")),
        correction: nullable(r("Correction")),
        deferred: array(r("Deferred")),
        decision: nullable(r("Decision")),
        certificate: nullable(string()),
        delivery: nullable(r("Delivery")),
        timeline: array(r("Entry")),
        ledger_secret: nullable(pattern(
            "^[0-9a-f]{32}$",
            "00112233445566778899aabbccddeeff"
        )),
    })
}

fn application() -> RefOr<Schema> {
    open(
        ObjectBuilder::new()
            .description(Some(
                "`form`: `phone`, `address` (required) and `note`, which every application \
                 has, and the item's own fields (its `form`), each under its key; a field \
                 error names `form.<key>`. `materials[].files` name blobs already uploaded; \
                 `applicant` only when staff file for someone (kind, name, id_number or uscc).",
            ))
            .property("item", r("ItemCode"))
            .required("item")
            .property("channel", r("Channel"))
            .required("channel")
            .property("applicant", open(ObjectBuilder::new()))
            .property("form", map(string(), string()))
            .property(
                "materials",
                array(open(
                    ObjectBuilder::new()
                        .property("material", integer())
                        .property("files", array(r("FileRef"))),
                )),
            ),
    )
}

/// 1 (非常不满意) to 5 (非常满意).
fn score() -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Integer)
        .minimum(Some(1))
        .maximum(Some(5))
        .into()
}

fn bounded(max_chars: usize) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .max_length(Some(max_chars))
        .into()
}

fn action() -> RefOr<Schema> {
    open(
        ObjectBuilder::new()
            .description(Some(
                "One action, by `action`: accept {deferred: [{material, promised_by}]}, refuse \
                 {reasons, remedy?}, request_correction {items: [{material, reason}]}, resubmit, \
                 pass {opinion}, return {reason}, decide {approve, opinion, remedy?}, suspend \
                 {kind, reason}, resume, extend {reason}, deliver {method}, withdraw {reason}, \
                 supply {material}, assign {username}, accept_on_commitment {signer, text} \
                 (告知承诺: accepted and approved at once where the item allows it, verified \
                 within 20 working days), verify {confirmed, note} (事后核查; false revokes the \
                 certificate).",
            ))
            .property(
                "action",
                strings([
                    "accept",
                    "refuse",
                    "request_correction",
                    "resubmit",
                    "pass",
                    "return",
                    "decide",
                    "suspend",
                    "resume",
                    "extend",
                    "deliver",
                    "withdraw",
                    "supply",
                    "assign",
                    "accept_on_commitment",
                    "verify",
                ]),
            )
            .required("action"),
    )
}

pub fn submit() -> Op {
    Op::new(TAG, "submitCase", "Apply for an item")
        .describe(
            "Citizens and enterprises apply for themselves (channel web, mobile or kiosk); a \
             window clerk files at the hall or for a hotline caller, naming the applicant. The \
             item must be in force today. The receipt carries the case number and the \
             verification code that opens its public status.",
        )
        .bearer()
        .body(application())
        .ok(StatusCode::CREATED, "the receipt", r("Receipt"))
        .fails(&[StatusCode::FORBIDDEN])
}

pub fn upload() -> Op {
    let op = Op::new(TAG, "uploadFile", "Upload one material file")
        .describe(
            "The file is the raw body (PDF, JPEG, PNG or OFD, at most 20 MiB); its type is read \
             from the bytes, and a Content-Type that says otherwise is refused. Cite the returned \
             `blob` in an application's `materials[].files`.",
        )
        .bearer()
        .raw_body("the file's bytes");
    queries!(
        op,
        UploadQuery {
            name: query(string(), "the file's name as the applicant knows it"),
        }
    )
    .ok(
        StatusCode::CREATED,
        "how to cite the stored file",
        r("FileRef"),
    )
    .fails(&[StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn mine() -> Op {
    Op::new(TAG, "myCases", "My applications").bearer().ok(
        StatusCode::OK,
        "the applicant's cases, newest first",
        r("CaseList"),
    )
}

pub fn queue() -> Op {
    Op::new(TAG, "caseQueue", "My work queue")
        .describe("Cases of the staff member's department waiting at a step of their role.")
        .bearer()
        .ok(StatusCode::OK, "cases in id order", r("CaseList"))
        .fails(&[StatusCode::FORBIDDEN])
}

pub fn cards() -> Op {
    Op::new(TAG, "caseCards", "Yellow and red cards")
        .describe("All cards for supervisors; a department's own for its staff.")
        .bearer()
        .ok(StatusCode::OK, "newest first", r("Cards"))
        .fails(&[StatusCode::FORBIDDEN])
}

pub fn scan() -> Op {
    Op::new(TAG, "scanDeadlines", "Run the deadline scan now")
        .describe(
            "Servers run it every hour. Cases not decided on acceptance within 5 working days \
             become accepted (行政许可法 §32, with a red card); running cases earn yellow and red \
             cards. Safe to run anywhere, any number of times.",
        )
        .bearer()
        .ok(StatusCode::OK, "what this run found", r("Swept"))
        .fails(&[StatusCode::FORBIDDEN])
}

pub fn certificate_op() -> Op {
    Op::new(TAG, "verifyCertificate", "Verify an e-certificate")
        .path(
            "number",
            pattern("^ZS[0-9]{6}-[0-9]{8}-[0-9]{6}$", "ZS430100-20261126-000123"),
            "the certificate number printed on it",
        )
        .ok(
            StatusCode::OK,
            "the certificate and whether it is valid today",
            r("CertificateView"),
        )
        .fails(&[StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn workflow() -> Op {
    Op::new(TAG, "itemWorkflow", "An item's steps")
        .path("code", r("ItemCode"), "the item's code")
        .ok(StatusCode::OK, "the steps its cases go through", r("Steps"))
        .fails(&[StatusCode::NOT_FOUND, StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn set_workflow() -> Op {
    Op::new(TAG, "setItemWorkflow", "Set an item's steps")
        .describe(
            "The item's department admin. 受理 first, one 决定, 办结送达 last; staff roles only; \
             joint departments on the decide step. Running cases keep their steps.",
        )
        .bearer()
        .path("code", r("ItemCode"), "the item's code")
        .body(r("Steps"))
        .ok(StatusCode::OK, "the steps now in use", r("Steps"))
        .fails(&[StatusCode::FORBIDDEN, StatusCode::NOT_FOUND])
}

pub fn case_op() -> Op {
    let op = Op::new(TAG, "case", "A case: public status or the whole case")
        .describe(
            "With `code`: the public status to anyone holding the receipt (30 queries a minute \
             per client; a wrong code answers exactly as an unknown number). Without: the whole \
             case, to its applicant and the staff handling it.",
        )
        .bearer_optional()
        .path("number", number(), "the case number");
    queries!(
        op,
        CodeQuery {
            code: query(string(), "the verification code on the receipt"),
        }
    )
    .ok(
        StatusCode::OK,
        "PublicStatus with a code, CaseView without",
        one_of([r("PublicStatus"), r("CaseView")]),
    )
    .fails(&[
        StatusCode::NOT_FOUND,
        StatusCode::TOO_MANY_REQUESTS,
        StatusCode::UNPROCESSABLE_ENTITY,
    ])
}

pub fn act() -> Op {
    Op::new(TAG, "actOnCase", "Act on a case")
        .describe(
            "Every transition: the window's accept / refuse / request_correction, the \
             applicant's resubmit / withdraw / supply, review and decision, suspension, \
             extension, delivery, assignment. Who may do what when is the domain's rule: a \
             403 for the wrong person, a 409 naming `state` for an action the case's stage \
             does not allow, a 422 naming the field for bad input.",
        )
        .bearer()
        .path("number", number(), "the case number")
        .body(action())
        .ok(StatusCode::OK, "the case after the action", r("CaseView"))
        .fails(&[
            StatusCode::FORBIDDEN,
            StatusCode::NOT_FOUND,
            StatusCode::CONFLICT,
        ])
}

pub fn rate() -> Op {
    Op::new(TAG, "rateCase", "Rate a case's service (好差评)")
        .describe(
            "By the applicant, once the case has a result (decided, or closed — refused cases \
             too), once per case and the channel it came through: a second is a 409 naming \
             `channel`. A score of 1 or 2 (差评) opens a follow-up the department must answer \
             within 15 working days.",
        )
        .bearer()
        .path("number", number(), "the case number")
        .body(r("RatingInput"))
        .ok(StatusCode::CREATED, "the rating", r("Rating"))
        .fails(&[
            StatusCode::FORBIDDEN,
            StatusCode::NOT_FOUND,
            StatusCode::CONFLICT,
        ])
}

pub fn answer_follow_up() -> Op {
    Op::new(TAG, "answerFollowUp", "Answer a 差评's follow-up (整改)")
        .describe(
            "Once, by the case department's admin or an approver, 10 to 1000 characters; a \
             409 naming `state` when there is nothing (more) to answer.",
        )
        .bearer()
        .path("number", number(), "the case number")
        .body(r("AnswerBody"))
        .ok(StatusCode::OK, "the rating with its answer", r("Rating"))
        .fails(&[
            StatusCode::FORBIDDEN,
            StatusCode::NOT_FOUND,
            StatusCode::CONFLICT,
        ])
}

pub fn ratings() -> Op {
    let op = Op::new(TAG, "caseRatings", "Ratings and their follow-ups")
        .describe(
            "All ratings for supervisors; a department's own for its staff. Unanswered \
             follow-ups first, soonest due first (at most 500). A follow-up unanswered past its \
             due date is `overdue`.",
        )
        .bearer();
    queries!(
        op,
        RatingQuery {
            overdue: query(
                boolean(),
                "true: only overdue follow-ups; false: every other rating"
            ),
        }
    )
    .ok(StatusCode::OK, "the ratings", r("Ratings"))
    .fails(&[StatusCode::FORBIDDEN, StatusCode::UNPROCESSABLE_ENTITY])
}

pub fn verifications() -> Op {
    Op::new(
        TAG,
        "openVerifications",
        "Open 告知承诺 verifications (核查)",
    )
    .describe(
        "Cases approved on the applicant's commitment whose verification is not recorded \
             yet, soonest due first (at most 500). Supervisors see their division's and those \
             under it (the province's: all); a department's staff their own department's.",
    )
    .bearer()
    .ok(StatusCode::OK, "the open verifications", r("Verifications"))
    .fails(&[StatusCode::FORBIDDEN])
}

pub fn rating_stats() -> Op {
    Op::new(
        TAG,
        "caseRatingStats",
        "Rating statistics per item and department",
    )
    .describe(
        "Count, average score, 差评, unanswered follow-ups and those of them overdue; scoped \
         as the ratings.",
    )
    .bearer()
    .ok(StatusCode::OK, "the statistics", r("RatingStats"))
    .fails(&[StatusCode::FORBIDDEN])
}

fn rating() -> ObjectBuilder {
    mirror!(Rating {
        case_number: number(),
        channel: r("Channel"),
        item: r("ItemCode"),
        department_id: integer(),
        score: r("Score"),
        comment: nullable(string()),
        by: integer(),
        on: date(),
        follow_up: nullable(r("FollowUp")),
    })
}

fn open_verification() -> ObjectBuilder {
    mirror!(OpenVerification {
        case_number: number(),
        item_code: r("ItemCode"),
        department_id: integer(),
        division: r("DivisionCode"),
        due: date(),
        provisional: boolean(),
    })
}
