//! The demo's year of cases, played through the same use cases people use —
//! submit, accept, pass, decide, deliver, rate, the deadline scan — on an app
//! whose clock is pinned to each simulated hour in turn, so every row, event,
//! card and timeline entry is one the real rules wrote. The scripts (what
//! becomes of each case) come from `bianli_demo::cases`.
//!
//! Actions due in the same simulated hour run concurrently: the store's
//! group commit then writes them in a few transactions.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use bianli_demo::cases::{CaseScript, Fate, Via, case_scripts};
use bianli_domain::calendar::WorkCalendar;
use bianli_domain::cases::{
    ApplicantKind, CorrectionRequest, DeliveryMethod, FileRef, SuspensionKind,
};
use bianli_domain::catalog::{Channel, Item};
use bianli_domain::identity::{AccountKind, IdNumber, Role, Uscc};
use bianli_store::{ItemFilter, NewAccount};
use chrono::{Days, NaiveDate, TimeZone, Utc};
use tokio::task::JoinSet;

use super::{DEMO_DEPARTMENT, with_id_check, with_uscc_check};
use crate::cases::{ActionInput, ApplicantInput, Application, MaterialInput, RatingInput};
use crate::{Actor, App, AppError, Result};

/// The items the year's cases are for, most asked-for first: what people
/// queue for at a county hall.
const POPULAR: [&str; 15] = [
    "食品经营许可",
    "个体工商户设立登记",
    "住房公积金提取",
    "内地居民结婚登记",
    "公共场所卫生许可",
    // 最多跑零次: filed and decided online, never at a window.
    "企业投资项目备案",
    "出生医学证明办理",
    "普通护照签发",
    "药品零售企业许可",
    "企业设立登记",
    "建筑工程施工许可证核发",
    "娱乐场所经营许可",
    "个体工商户变更登记",
    "住房公积金租房提取",
    "企业变更登记",
];

/// Applicants with accounts (who apply online and rate), about one for
/// every 25 cases; the demo's own citizen is the first.
fn applicants_for(cases: usize) -> usize {
    (cases / 25).clamp(50, 4_000)
}

/// How many actions run at once within one simulated hour.
const IN_FLIGHT: usize = 64;

/// Progress of the history, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct HistoryStep {
    pub day: NaiveDate,
    pub submitted: usize,
    pub of: usize,
}

/// What the year produced.
#[derive(Debug, Clone, Copy, Default)]
pub struct HistorySummary {
    pub cases: usize,
    pub actions: usize,
    pub ratings: usize,
    /// Script steps the rules refused (each logged); a handful is normal —
    /// e.g. a rating after the applicant's channel closed — many is a bug.
    pub refused: usize,
}

/// The people and items the year is played with.
struct Stage {
    items: Vec<Item>,
    /// Clerk, reviewer and approver of each department on stage.
    staff: HashMap<i64, [Actor; 3]>,
    applicants: Vec<Actor>,
    /// One small PDF, cited for every material of an online application.
    file: FileRef,
}

impl Stage {
    /// The clerk, reviewer and approver of the item's department.
    fn staff(&self, item: &Item) -> Result<&[Actor; 3]> {
        self.staff
            .get(&item.department_id)
            .ok_or_else(|| AppError::Internal(format!("no staff for {}", item.code)))
    }
}

/// One case as the simulation follows it.
struct Play {
    script: CaseScript,
    item: usize,
    channel: Channel,
    number: Option<String>,
    accepted_on: Option<NaiveDate>,
    corrected: bool,
}

/// What to do next to a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    Submit,
    Accept,
    Refuse,
    Correct,
    Resubmit,
    Pass,
    Suspend,
    Resume,
    Extend,
    Decide,
    Withdraw,
    Deliver,
    Rate,
    /// The department answers a 差评's follow-up (整改).
    Answer,
}

type Agenda = BTreeMap<(NaiveDate, u8), Vec<(usize, Next)>>;

impl App {
    /// The same app on a clock of its own: the demo's history pins it to
    /// past hours while the real app keeps serving at the real time.
    pub fn on_own_clock(&self) -> App {
        let mut app = self.clone();
        app.clock = Arc::default();
        app
    }

    /// Plays `cases` scripted cases over the year that ends yesterday.
    /// Expects the demo's catalogue and accounts (see [`App::seed_demo`]).
    pub async fn seed_history(
        &self,
        cases: usize,
        progress: &(dyn Fn(HistoryStep) + Sync),
    ) -> Result<HistorySummary> {
        self.history_playing.store(true, Ordering::Relaxed);
        let played = self.play_history(cases, progress).await;
        self.history_playing.store(false, Ordering::Relaxed);
        played
    }

    async fn play_history(
        &self,
        cases: usize,
        progress: &(dyn Fn(HistoryStep) + Sync),
    ) -> Result<HistorySummary> {
        let sim = self.on_own_clock();
        let end = self.today();
        let start = end - Days::new(365);
        sim.pin_clock(at_hour(start, 8));
        let stage = Arc::new(sim.stage(applicants_for(cases)).await?);
        if stage.items.is_empty() {
            return Err(AppError::Internal(
                "the demo's popular items are not in the catalogue".into(),
            ));
        }
        let scripts = case_scripts(cases, 365, stage.items.len(), stage.applicants.len());
        let mut plays: Vec<Play> = Vec::with_capacity(scripts.len());
        let mut agenda = Agenda::new();
        for script in scripts {
            let item = script.item;
            let day = start + Days::new(u64::from(script.day));
            let channel = channel(&stage.items[item], script.via);
            let hour = script.hour;
            agenda
                .entry((day, hour))
                .or_default()
                .push((plays.len(), Next::Submit));
            plays.push(Play {
                script,
                item,
                channel,
                number: None,
                accepted_on: None,
                corrected: false,
            });
        }
        let mut summary = HistorySummary::default();
        let mut swept = start;
        let mut sweeping = std::time::Duration::ZERO;
        while let Some(((day, hour), due)) = agenda.pop_first() {
            if day >= end {
                break;
            }
            if day > swept {
                // The hourly scan, once a simulated morning.
                sim.pin_clock(at_hour(day, 7));
                let t = std::time::Instant::now();
                sim.sweep_deadlines().await?;
                sweeping += t.elapsed();
                swept = day;
                progress(HistoryStep {
                    day,
                    submitted: summary.cases,
                    of: cases,
                });
            }
            sim.pin_clock(at_hour(day, hour));
            let cal = sim.calendar();
            let mut set = JoinSet::new();
            let mut results = Vec::with_capacity(due.len());
            for (i, next) in due {
                if set.len() >= IN_FLIGHT
                    && let Some(r) = set.join_next().await
                {
                    results.push(r.map_err(|e| AppError::Internal(e.to_string()))?);
                }
                let (sim, stage) = (sim.clone(), stage.clone());
                let task = Task::of(&plays[i], next);
                set.spawn(async move { (i, next, task.run(&sim, &stage).await) });
            }
            while let Some(r) = set.join_next().await {
                results.push(r.map_err(|e| AppError::Internal(e.to_string()))?);
            }
            for (i, next, outcome) in results {
                let play = &mut plays[i];
                match outcome {
                    Ok(number) => {
                        summary.actions += 1;
                        match next {
                            Next::Submit => {
                                summary.cases += 1;
                                play.number = number;
                            }
                            Next::Accept => play.accepted_on = Some(day),
                            Next::Correct => play.corrected = true,
                            Next::Rate => summary.ratings += 1,
                            _ => {}
                        }
                        if let Some(then) = follow(play, &stage.items[play.item], next, day, &cal) {
                            agenda.entry(then.0).or_default().push((i, then.1));
                        }
                    }
                    Err(e) => {
                        summary.refused += 1;
                        tracing::debug!(error = %e, ?next, "a scripted step was refused");
                    }
                }
            }
        }
        sim.pin_clock(at_hour(end, 7));
        sim.sweep_deadlines().await?;
        // The planner's statistics predate the cases: without fresh ones
        // SQLite reads every case body for a count an index answers.
        self.store.settle().await?;
        tracing::info!(?sweeping, "the history's daily deadline scans");
        Ok(summary)
    }

    /// The popular items in force at every division, their departments'
    /// staff, and the applicants.
    async fn stage(&self, applicants: usize) -> Result<Stage> {
        let today = self.today();
        let mut items = Vec::new();
        for name in POPULAR {
            let mut filter = ItemFilter::as_of(today);
            filter.name_contains = Some(name.to_string());
            filter.limit = 1_000;
            let found = self.store.items(&filter).await?;
            items.extend(
                found
                    .into_iter()
                    .map(|v| v.item)
                    .filter(|i| i.name == name)
                    .filter(|i| i.channels.contains(&Channel::Hall)),
            );
        }
        let password_hash = self
            .store
            .account_by_username("clerk")
            .await?
            .map(|a| a.password_hash)
            .ok_or_else(|| AppError::Internal("the demo accounts are missing".into()))?;
        let mut staff = HashMap::new();
        let departments = self.store.departments().await?;
        let by_id: HashMap<i64, &bianli_domain::catalog::Department> =
            departments.iter().map(|d| (d.id, d)).collect();
        for item in &items {
            if staff.contains_key(&item.department_id) {
                continue;
            }
            let Some(dept) = by_id.get(&item.department_id) else {
                continue;
            };
            let trio = if dept.name == DEMO_DEPARTMENT {
                self.demo_staff().await?
            } else {
                self.department_staff(dept, &password_hash).await?
            };
            staff.insert(dept.id, trio);
        }
        let applicants = self.applicants(applicants, &password_hash).await?;
        let file = self
            .upload(
                &applicants[0],
                "申请材料.pdf",
                Some("application/pdf"),
                bytes::Bytes::from_static(DEMO_PDF),
            )
            .await?;
        Ok(Stage {
            items,
            staff,
            applicants,
            file,
        })
    }

    async fn demo_staff(&self) -> Result<[Actor; 3]> {
        let mut found = Vec::new();
        for name in ["clerk", "reviewer", "approver"] {
            let row = self
                .store
                .account_by_username(name)
                .await?
                .ok_or_else(|| AppError::Internal(format!("no demo account {name}")))?;
            found.push(Actor::from(row));
        }
        found
            .try_into()
            .map_err(|_| AppError::Internal("three demo staff".into()))
    }

    async fn department_staff(
        &self,
        dept: &bianli_domain::catalog::Department,
        password_hash: &str,
    ) -> Result<[Actor; 3]> {
        let mut out = Vec::new();
        for (role, title) in [
            (Role::Clerk, "窗口"),
            (Role::Reviewer, "审核"),
            (Role::Approver, "审批"),
        ] {
            let account = NewAccount {
                username: format!("d{}-{}", dept.id, role.as_str()),
                kind: AccountKind::Staff,
                display_name: format!("{}{title}岗", dept.name),
                id_number: None,
                uscc: None,
                employee_no: Some(format!("HN{:05}{}", dept.id, role.as_str())),
                password_hash: password_hash.to_string(),
                role,
                department_id: Some(dept.id),
                division: Some(dept.division.to_string()),
            };
            out.push(Actor::from(
                self.store.create_account(&account, self.now()).await?,
            ));
        }
        out.try_into()
            .map_err(|_| AppError::Internal("three staff".into()))
    }

    /// The demo citizen, then generated citizens and enterprises.
    async fn applicants(&self, n: usize, password_hash: &str) -> Result<Vec<Actor>> {
        let citizen = self
            .store
            .account_by_username("citizen")
            .await?
            .ok_or_else(|| AppError::Internal("no demo citizen".into()))?;
        let mut out = vec![Actor::from(citizen)];
        for n in 1..n {
            let enterprise = n % 4 == 0;
            let (kind, id_number, uscc, name) = if enterprise {
                let uscc = Uscc::parse(&with_uscc_check(&format!("91430100MA4L{n:05}")))?;
                (
                    AccountKind::Enterprise,
                    None,
                    Some(uscc.as_str().to_string()),
                    format!("{}{}", company_name(n), "有限公司"),
                )
            } else {
                let id = IdNumber::parse(&with_id_check(&format!(
                    "4301{:02}19{:02}{:02}{:02}{:03}",
                    2 + n % 10,
                    60 + n % 40,
                    1 + n % 12,
                    1 + n % 28,
                    n % 1000
                )))?;
                (
                    AccountKind::Citizen,
                    Some(id.as_str().to_string()),
                    None,
                    person_name(n),
                )
            };
            let account = NewAccount {
                username: format!("applicant{n}"),
                kind,
                display_name: name,
                id_number,
                uscc,
                employee_no: None,
                password_hash: password_hash.to_string(),
                role: if enterprise {
                    Role::Enterprise
                } else {
                    Role::Citizen
                },
                department_id: None,
                division: None,
            };
            out.push(Actor::from(
                self.store.create_account(&account, self.now()).await?,
            ));
        }
        Ok(out)
    }
}

/// One scripted step, with what it needs copied out of the play.
struct Task {
    next: Next,
    item: usize,
    applicant: usize,
    channel: Channel,
    number: Option<String>,
    fate: Fate,
    rating: Option<(u8, &'static str)>,
}

impl Task {
    fn of(play: &Play, next: Next) -> Task {
        Task {
            next,
            item: play.item,
            applicant: play.script.applicant,
            channel: play.channel,
            number: play.number.clone(),
            fate: play.script.fate,
            rating: play.script.rating,
        }
    }

    /// Runs the step through its use case; a submission answers its number.
    async fn run(self, app: &App, stage: &Stage) -> Result<Option<String>> {
        let item = &stage.items[self.item];
        let applicant = &stage.applicants[self.applicant];
        let online = !matches!(self.channel, Channel::Hall | Channel::Hotline);
        if self.next == Next::Submit {
            return submit(app, stage, item, applicant, self.channel)
                .await
                .map(Some);
        }
        let number = self.number.as_deref().unwrap_or_default();
        let [clerk, reviewer, approver] = stage.staff(item)?;
        let text = |s: &str| s.to_string();
        let (who, action) = match self.next {
            Next::Submit => unreachable!("handled above"),
            Next::Accept => (clerk, ActionInput::Accept { deferred: vec![] }),
            Next::Refuse => (
                clerk,
                ActionInput::Refuse {
                    reasons: text("申请事项依法不属于本机关职权范围，请向有关行政机关申请"),
                    remedy: None,
                },
            ),
            Next::Correct => (
                clerk,
                ActionInput::RequestCorrection {
                    items: vec![CorrectionRequest {
                        material: 0,
                        reason: text("材料缺少申请人签字，请签字后重新提交"),
                    }],
                },
            ),
            Next::Resubmit => (
                if online { applicant } else { clerk },
                ActionInput::Resubmit,
            ),
            Next::Pass => (
                reviewer,
                ActionInput::Pass {
                    opinion: text("材料齐全，符合法定形式，同意"),
                },
            ),
            Next::Suspend => (
                approver,
                ActionInput::Suspend {
                    kind: match self.fate {
                        Fate::Suspended { kind: 0, .. } => SuspensionKind::Testing,
                        _ => SuspensionKind::ExpertReview,
                    },
                    reason: text("需现场核查及检验检测，期间不计入办理时限"),
                },
            ),
            Next::Resume => (approver, ActionInput::Resume),
            Next::Extend => (
                approver,
                ActionInput::Extend {
                    reason: text("情况复杂，经负责人批准延长办理期限"),
                },
            ),
            Next::Decide => (
                approver,
                ActionInput::Decide {
                    approve: self.fate != Fate::Denied,
                    opinion: if self.fate == Fate::Denied {
                        text("经审查，申请人不符合法定条件，不予许可")
                    } else {
                        text("经审查，符合法定条件，准予许可")
                    },
                    remedy: None,
                },
            ),
            Next::Withdraw => (
                if online { applicant } else { clerk },
                ActionInput::Withdraw {
                    reason: text("申请人主动撤回申请"),
                },
            ),
            Next::Deliver => (
                clerk,
                ActionInput::Deliver {
                    method: if online {
                        DeliveryMethod::Electronic
                    } else if self.channel == Channel::Hotline {
                        DeliveryMethod::Mail
                    } else {
                        DeliveryMethod::PickUp
                    },
                },
            ),
            Next::Rate => {
                let (score, comment) = self.rating.unwrap_or((5, ""));
                app.rate(
                    applicant,
                    number,
                    RatingInput {
                        score: i64::from(score),
                        comment: (!comment.is_empty()).then(|| comment.to_string()),
                    },
                )
                .await?;
                return Ok(None);
            }
            Next::Answer => {
                // 整改 is answered by the department's approver, who
                // speaks for it.
                app.answer_follow_up(
                    approver,
                    number,
                    "已与申请人电话沟通，说明办理进度；窗口已改进进度告知方式",
                )
                .await?;
                return Ok(None);
            }
        };
        app.act_unviewed(who, number, action).await?;
        Ok(None)
    }
}

async fn submit(
    app: &App,
    stage: &Stage,
    item: &Item,
    applicant: &Actor,
    channel: Channel,
) -> Result<String> {
    let online = !matches!(channel, Channel::Hall | Channel::Hotline);
    let materials = if online {
        item.materials
            .iter()
            .enumerate()
            .filter(|(_, m)| m.required)
            .map(|(material, _)| MaterialInput {
                material,
                files: vec![stage.file.clone()],
            })
            .collect()
    } else {
        Vec::new()
    };
    let form = super::form::fill(
        item,
        usize::try_from(applicant.account_id).unwrap_or(0),
        app.today(),
    );
    let (who, on_behalf) = if online {
        (applicant, None)
    } else {
        let (kind, id_number, uscc) = match applicant.applicant_id() {
            Some((ApplicantKind::Enterprise, uscc)) => ("enterprise", None, Some(uscc)),
            Some((ApplicantKind::Citizen, id)) => ("citizen", Some(id), None),
            None => return Err(AppError::Internal("an applicant without an ID".into())),
        };
        (
            &stage.staff(item)?[0],
            Some(ApplicantInput {
                kind: kind.to_string(),
                name: applicant.display_name.clone(),
                id_number,
                uscc,
            }),
        )
    };
    let receipt = app
        .submit(
            who,
            Application {
                item: item.code.to_string(),
                channel: channel.as_str().to_string(),
                applicant: on_behalf,
                form,
                materials,
            },
        )
        .await?;
    Ok(receipt.number)
}

/// The step after `done` on `day`, and when: staff act on working days in
/// office hours, after the waits the script drew.
fn follow(
    play: &Play,
    item: &Item,
    done: Next,
    day: NaiveDate,
    cal: &WorkCalendar,
) -> Option<((NaiveDate, u8), Next)> {
    let w = play.script.waits;
    let fate = play.script.fate;
    let online = !matches!(play.channel, Channel::Hall | Channel::Hotline);
    // Zero days: today if it is a working day, else the next one.
    let then = |n: u8, hour: u8, next: Next| -> Option<((NaiveDate, u8), Next)> {
        let d = if n == 0 && cal.is_workday("day", day).ok()? {
            day
        } else {
            cal.add_workdays(day, u32::from(n.max(1))).ok()?
        };
        Some(((d, hour), next))
    };
    let promised = u8::try_from(item.promised_days).unwrap_or(u8::MAX);
    match done {
        Next::Submit => match fate {
            Fate::Refused => then(w[0], 10, Next::Refuse),
            Fate::Corrected { .. } => then(w[0], 10, Next::Correct),
            // Nobody answers: the scan deems it accepted after five
            // working days; the reviewer picks it up after that.
            Fate::Deemed => then(7, 11, Next::Pass),
            _ => then(w[0], 9, Next::Accept),
        },
        Next::Correct => {
            let Fate::Corrected { after: days } = fate else {
                return None;
            };
            let back = day + Days::new(u64::from(days));
            let hour = if online { 20 } else { 10 };
            if online {
                Some(((back, hour), Next::Resubmit))
            } else {
                then(days, hour, Next::Resubmit)
            }
        }
        Next::Resubmit => then(w[0], 9, Next::Accept),
        Next::Accept if promised == 0 => then(0, 16, Next::Deliver),
        Next::Accept if fate == Fate::Withdrawn => then(1, 15, Next::Withdraw),
        Next::Accept => then(w[1].min(promised / 2), 11, Next::Pass),
        Next::Pass => match fate {
            Fate::Suspended { .. } => then(0, 14, Next::Suspend),
            Fate::Extended => then(0, 14, Next::Extend),
            Fate::Late { over } => {
                let used = cal.workdays_between(play.accepted_on?, day).ok()?;
                let left = i64::from(promised) - used;
                then(
                    u8::try_from(left.max(0)).ok()?.saturating_add(over),
                    15,
                    Next::Decide,
                )
            }
            _ => {
                let used = play
                    .accepted_on
                    .and_then(|a| cal.workdays_between(a, day).ok())
                    .unwrap_or(0);
                let left = u8::try_from((i64::from(promised) - used).max(0)).ok()?;
                then(w[2].min(left), 15, Next::Decide)
            }
        },
        Next::Suspend => {
            let Fate::Suspended { days, .. } = fate else {
                return None;
            };
            then(days, 10, Next::Resume)
        }
        Next::Resume => then(w[2].min(promised / 2), 15, Next::Decide),
        Next::Extend => then(promised.saturating_add(3), 15, Next::Decide),
        Next::Decide => then(w[3], 16, Next::Deliver),
        Next::Deliver if online && play.script.rating.is_some() => {
            Some(((day + Days::new(1), 21), Next::Rate))
        }
        // A 差评 opens a follow-up due in 15 working days; departments
        // answer most in time and some late, as their published figures say.
        Next::Rate if play.script.rating.is_some_and(|(score, _)| score <= 2) => {
            then(3 + 4 * w[1] + 3 * w[3], 10, Next::Answer)
        }
        Next::Deliver | Next::Refuse | Next::Withdraw | Next::Rate | Next::Answer => None,
    }
}

/// The channel a case comes through: the drawn one if the item takes it,
/// else the hall (every item on stage takes the hall).
fn channel(item: &Item, via: Via) -> Channel {
    let c = match via {
        Via::Web => Channel::Web,
        Via::Mobile => Channel::Mobile,
        Via::Kiosk => Channel::Kiosk,
        Via::Hall => Channel::Hall,
        Via::Hotline => Channel::Hotline,
    };
    if item.channels.contains(&c) {
        c
    } else {
        Channel::Hall
    }
}

/// `hour` o'clock China time on `day`, as the instant the clock is pinned to.
fn at_hour(day: NaiveDate, hour: u8) -> chrono::DateTime<Utc> {
    let local = day
        .and_hms_opt(u32::from(hour), 0, 0)
        .unwrap_or_else(|| day.and_time(chrono::NaiveTime::MIN));
    Utc.from_utc_datetime(&(local - chrono::Duration::hours(8)))
}

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: [&str; 24] = [
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "建华", "湘平",
];
const FIRMS: [&str; 12] = [
    "长沙湘味",
    "株洲新源",
    "湘潭金穗",
    "衡阳南岳",
    "岳阳洞庭",
    "常德桃源",
    "益阳资江",
    "郴州林邑",
    "永州潇湘",
    "怀化五溪",
    "娄底梅山",
    "邵阳宝庆",
];

fn person_name(n: usize) -> String {
    format!(
        "{}{}",
        SURNAMES[n % SURNAMES.len()],
        GIVEN[(n / SURNAMES.len()) % GIVEN.len()]
    )
}

fn company_name(n: usize) -> String {
    format!("{}商贸{}号", FIRMS[n % FIRMS.len()], n / FIRMS.len())
}

/// A one-page PDF: what an online applicant's scanned material stands for.
const DEMO_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
