//! 好差评: the applicant rates the service a case received, once per case
//! and channel, after the result. A 差评 (1 or 2) opens a follow-up (整改)
//! that the department must answer within 15 working days.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::case::{Case, Stage};
use super::error::CaseError;
use super::number::CaseNumber;
use super::transition::Who;
use crate::Invalid;
use crate::calendar::WorkCalendar;
use crate::catalog::{Channel, ItemCode};
use crate::identity::Role;

/// Working days the department has to answer a 差评.
pub const FOLLOW_UP_WORKDAYS: u32 = 15;
pub const COMMENT_MAX_CHARS: usize = 500;
const ANSWER_CHARS: std::ops::RangeInclusive<usize> = 10..=1000;

/// 1 (非常不满意) to 5 (非常满意).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Score(u8);

impl Score {
    pub fn parse(v: i64) -> Result<Score, Invalid> {
        match u8::try_from(v) {
            Ok(n @ 1..=5) => Ok(Score(n)),
            _ => Err(Invalid::one("score", "评分应为1至5的整数")),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// 差评: 1 or 2.
    pub fn is_bad(self) -> bool {
        self.0 <= 2
    }
}

impl TryFrom<i64> for Score {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, Self::Error> {
        Score::parse(v).map_err(|e| e.to_string())
    }
}

impl From<Score> for i64 {
    fn from(s: Score) -> i64 {
        i64::from(s.0)
    }
}

/// 整改: what a 差评 asks of the department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub due: NaiveDate,
    /// Counted partly in a year whose holidays are not loaded yet, Monday to
    /// Friday there (never later than the real date); the deadline scan
    /// counts it again once the year is loaded.
    #[serde(default)]
    pub provisional: bool,
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
}

impl FollowUp {
    /// Unanswered past its due day.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.answer.is_none() && today > self.due
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub case_number: CaseNumber,
    /// The channel the case was filed through: each is rated on its own.
    pub channel: Channel,
    pub item: ItemCode,
    pub department_id: i64,
    pub score: Score,
    pub comment: Option<String>,
    /// The applicant's account.
    pub by: i64,
    pub on: NaiveDate,
    pub follow_up: Option<FollowUp>,
}

impl Rating {
    /// The applicant's rating of `case`. One per case and channel is the
    /// store's rule: it alone sees a rating given at the same moment.
    pub fn give(
        case: &Case,
        who: &Who,
        score: i64,
        comment: Option<&str>,
        today: NaiveDate,
        calendar: &WorkCalendar,
    ) -> Result<Rating, CaseError> {
        if case.applicant.account_id != Some(who.account_id) {
            return Err(CaseError::Forbidden(
                "只有申请人本人可以评价本办件的服务".into(),
            ));
        }
        if !matches!(case.stage, Stage::Decided | Stage::Closed) {
            return Err(CaseError::State(format!(
                "办件有办理结果后才能评价，该办件当前处于“{}”",
                case.stage.zh()
            )));
        }
        let mut inv = Invalid::default();
        let score = Score::parse(score).map_err(|e| inv.0.extend(e.0)).ok();
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if comment.is_some_and(|c| c.chars().count() > COMMENT_MAX_CHARS) {
            inv.push("comment", format!("评价内容最多{COMMENT_MAX_CHARS}个字"));
        }
        let Some(score) = score.filter(|_| inv.0.is_empty()) else {
            return Err(inv.into());
        };
        let follow_up = if score.is_bad() {
            let (due, provisional) = calendar
                .add_workdays_estimated(today, FOLLOW_UP_WORKDAYS)
                .ok_or_else(|| Invalid::one("on", "日期过远，无法计算工作日"))?;
            Some(FollowUp {
                due,
                provisional,
                answer: None,
                answered_on: None,
            })
        } else {
            None
        };
        Ok(Rating {
            case_number: case.number.clone(),
            channel: case.channel,
            item: case.item.clone(),
            department_id: case.department_id,
            score,
            comment: comment.map(str::to_string),
            by: who.account_id,
            on: today,
            follow_up,
        })
    }

    /// Counts a provisional follow-up's due date again on `calendar`; true
    /// when it changed (a date now known, or moved by the year's holidays).
    /// Still provisional while the year is not loaded.
    pub fn recount_follow_up(&mut self, calendar: &WorkCalendar) -> bool {
        let on = self.on;
        let Some(f) = self.follow_up.as_mut().filter(|f| f.provisional) else {
            return false;
        };
        let Some((due, provisional)) = calendar.add_workdays_estimated(on, FOLLOW_UP_WORKDAYS)
        else {
            return false;
        };
        let changed = (due, provisional) != (f.due, f.provisional);
        f.due = due;
        f.provisional = provisional;
        changed
    }

    /// The department's answer to the follow-up, given once by its head
    /// (DeptAdmin) or an approver; the rating itself never changes.
    pub fn answer(&mut self, who: &Who, text: &str, today: NaiveDate) -> Result<(), CaseError> {
        let ours = who.department_id == Some(self.department_id)
            && matches!(who.role, Role::DeptAdmin | Role::Approver);
        if !ours {
            return Err(CaseError::Forbidden(
                "整改回复须由本部门管理员或审批人作出".into(),
            ));
        }
        let Some(f) = self.follow_up.as_mut() else {
            return Err(CaseError::State(
                "只有差评（1分或2分）才需要整改回复".into(),
            ));
        };
        if f.answer.is_some() {
            return Err(CaseError::State("该整改已回复，不能重复回复".into()));
        }
        let text = text.trim();
        if !ANSWER_CHARS.contains(&text.chars().count()) {
            return Err(Invalid::one("answer", "整改回复应为10至1000个字").into());
        }
        f.answer = Some(text.to_string());
        f.answered_on = Some(today);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::clock::tests_support::{calendar, day};
    use crate::cases::test_case;

    fn applicant() -> Who {
        who(Role::Citizen, 100, None)
    }

    fn who(role: Role, account_id: i64, department_id: Option<i64>) -> Who {
        Who {
            tag: format!("account:{account_id}"),
            account_id,
            role,
            department_id,
        }
    }

    fn decided() -> Case {
        let mut c = test_case();
        c.stage = Stage::Decided;
        c
    }

    fn rate(case: &Case, score: i64, comment: Option<&str>) -> Result<Rating, CaseError> {
        Rating::give(
            case,
            &applicant(),
            score,
            comment,
            day("2024-09-27"),
            &calendar(),
        )
    }

    fn field(e: CaseError) -> String {
        match e {
            CaseError::Invalid(i) => i.0.iter().map(|f| f.field.clone()).collect(),
            other => panic!("not invalid: {other:?}"),
        }
    }

    #[test]
    fn scores_run_from_one_to_five() {
        for n in 1..=5 {
            assert_eq!(Score::parse(n).unwrap().get(), u8::try_from(n).unwrap());
        }
        for n in [0, 6, -1, 256, i64::MAX] {
            assert!(Score::parse(n).is_err(), "{n}");
        }
        assert!(Score::parse(2).unwrap().is_bad());
        assert!(!Score::parse(3).unwrap().is_bad());
        assert!(serde_json::from_str::<Score>("6").is_err());
        assert_eq!(
            serde_json::to_string(&Score::parse(4).unwrap()).unwrap(),
            "4"
        );
    }

    #[test]
    fn only_the_applicant_rates() {
        let c = decided();
        let clerk = who(Role::Clerk, 7, Some(c.department_id));
        let r = Rating::give(&c, &clerk, 5, None, day("2024-09-27"), &calendar());
        assert!(matches!(r, Err(CaseError::Forbidden(_))), "{r:?}");
        let other = who(Role::Citizen, 101, None);
        let r = Rating::give(&c, &other, 5, None, day("2024-09-27"), &calendar());
        assert!(matches!(r, Err(CaseError::Forbidden(_))), "{r:?}");
    }

    #[test]
    fn only_a_case_with_a_result_is_rated() {
        let mut c = test_case();
        for stage in [
            Stage::Submitted,
            Stage::Correcting,
            Stage::Working,
            Stage::Suspended,
        ] {
            c.stage = stage;
            assert!(matches!(rate(&c, 4, None), Err(CaseError::State(_))));
        }
        // Decided, or closed — a refused (不予受理) case is closed too.
        for stage in [Stage::Decided, Stage::Closed] {
            c.stage = stage;
            assert!(rate(&c, 4, None).is_ok());
        }
    }

    #[test]
    fn the_rating_is_of_the_channel_the_case_came_through() {
        let c = decided();
        let r = rate(&c, 5, Some("  办得快  ")).unwrap();
        assert_eq!(r.channel, c.channel);
        assert_eq!(r.case_number, c.number);
        assert_eq!(r.department_id, c.department_id);
        assert_eq!(r.comment.as_deref(), Some("办得快"));
        assert_eq!(r.by, 100);
        assert!(r.follow_up.is_none());
        assert_eq!(rate(&c, 5, Some("   ")).unwrap().comment, None);
    }

    #[test]
    fn bad_score_and_long_comment_are_named() {
        let c = decided();
        assert_eq!(field(rate(&c, 0, None).unwrap_err()), "score");
        assert_eq!(field(rate(&c, 6, None).unwrap_err()), "score");
        let long = "差".repeat(COMMENT_MAX_CHARS + 1);
        assert_eq!(field(rate(&c, 3, Some(&long)).unwrap_err()), "comment");
        let max = "好".repeat(COMMENT_MAX_CHARS);
        assert!(rate(&c, 3, Some(&max)).is_ok());
    }

    #[test]
    fn a_bad_rating_opens_a_follow_up_due_in_15_working_days() {
        let c = decided();
        // From Friday 2024-09-27: 09-29 (Sunday) is worked, 10-01..07 off.
        let r = rate(&c, 2, Some("等了很久")).unwrap();
        let f = r.follow_up.expect("follow-up");
        let (due, _) = calendar()
            .add_workdays_estimated(day("2024-09-27"), 15)
            .unwrap();
        assert_eq!(f.due, due);
        assert_eq!(f.due, day("2024-10-23"));
        assert_eq!(f.answer, None);
        assert!(rate(&c, 1, None).unwrap().follow_up.is_some());
        assert!(rate(&c, 3, None).unwrap().follow_up.is_none());
    }

    #[test]
    fn the_department_answers_once() {
        let c = decided();
        let mut r = rate(&c, 1, None).unwrap();
        let text = "已约谈窗口人员并优化了流程";
        let dept = c.department_id;
        for w in [
            who(Role::DeptAdmin, 9, Some(dept + 1)),
            who(Role::Clerk, 9, Some(dept)),
            who(Role::Supervisor, 9, None),
            applicant(),
        ] {
            assert!(matches!(
                r.answer(&w, text, day("2024-10-08")),
                Err(CaseError::Forbidden(_))
            ));
        }
        let admin = who(Role::DeptAdmin, 9, Some(dept));
        assert_eq!(
            field(r.answer(&admin, "太短", day("2024-10-08")).unwrap_err()),
            "answer"
        );
        let long = "改".repeat(1001);
        assert_eq!(
            field(r.answer(&admin, &long, day("2024-10-08")).unwrap_err()),
            "answer"
        );
        r.answer(&admin, text, day("2024-10-08")).unwrap();
        let f = r.follow_up.as_ref().unwrap();
        assert_eq!(f.answer.as_deref(), Some(text));
        assert_eq!(f.answered_on, Some(day("2024-10-08")));
        let approver = who(Role::Approver, 10, Some(dept));
        assert!(matches!(
            r.answer(&approver, text, day("2024-10-09")),
            Err(CaseError::State(_))
        ));
    }

    #[test]
    fn a_good_rating_has_nothing_to_answer() {
        let c = decided();
        let mut r = rate(&c, 4, None).unwrap();
        let admin = who(Role::DeptAdmin, 9, Some(c.department_id));
        assert!(matches!(
            r.answer(&admin, "已约谈窗口人员并优化了流程", day("2024-10-08")),
            Err(CaseError::State(_))
        ));
    }

    #[test]
    fn a_follow_up_past_the_loaded_years_is_provisional_until_recounted() {
        let c = decided();
        // From Friday 2024-12-20 into 2025, which `calendar()` lacks:
        // Monday to Friday there.
        let mut r =
            Rating::give(&c, &applicant(), 1, None, day("2024-12-20"), &calendar()).unwrap();
        let f = r.follow_up.clone().unwrap();
        assert_eq!((f.due, f.provisional), (day("2025-01-10"), true));
        // Not loaded yet: nothing to recount.
        assert!(!r.recount_follow_up(&calendar()));
        // 2025 loaded with New Year's Day off: one day later, and final.
        let with_2025 = [crate::calendar::SpecialDay {
            date: day("2025-01-01"),
            kind: crate::calendar::DayKind::Holiday,
            name: "New Year's Day".into(),
            name_zh: "元旦".into(),
        }];
        let cal =
            WorkCalendar::new(std::collections::BTreeSet::from([2024, 2025]), &with_2025).unwrap();
        assert!(r.recount_follow_up(&cal));
        let f = r.follow_up.clone().unwrap();
        assert_eq!((f.due, f.provisional), (day("2025-01-13"), false));
        assert!(!r.recount_follow_up(&cal), "a final date stays");
    }

    #[test]
    fn an_unanswered_follow_up_past_its_day_is_overdue() {
        let c = decided();
        let mut r = rate(&c, 2, None).unwrap();
        let due = r.follow_up.as_ref().unwrap().due;
        let f = r.follow_up.as_ref().unwrap();
        assert!(!f.provisional);
        assert!(!f.overdue(due), "the due day itself is in time");
        assert!(f.overdue(due.succ_opt().unwrap()));
        let admin = who(Role::DeptAdmin, 9, Some(c.department_id));
        r.answer(
            &admin,
            "已约谈窗口人员并优化了流程",
            due.succ_opt().unwrap(),
        )
        .unwrap();
        let f = r.follow_up.as_ref().unwrap();
        assert!(
            !f.overdue(due + chrono::Days::new(30)),
            "answered late, no longer open"
        );
    }
}
