//! The steps a case goes through, per item: by default 受理 → 审查 → 决定 →
//! 办结, each done by one role of the implementing department. A joint step
//! (并联审批) is handled by several departments at once and is done when all
//! of them have decided.

use serde::{Deserialize, Serialize};

use crate::Invalid;
use crate::identity::Role;

/// What a step is for; the case's state machine knows what each kind allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// 受理: accept, refuse, ask for corrections.
    Accept,
    /// 审查: examine and pass on (or return).
    Review,
    /// 决定: approve or deny; several departments in a joint step.
    Decide,
    /// 办结/送达: hand over the result.
    Deliver,
}

impl StepKind {
    pub fn zh(self) -> &'static str {
        match self {
            StepKind::Accept => "受理",
            StepKind::Review => "审查",
            StepKind::Decide => "决定",
            StepKind::Deliver => "办结送达",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepTemplate {
    pub kind: StepKind,
    pub name: String,
    pub role: Role,
    /// Other departments that decide alongside the item's own (并联); only
    /// on a decide step.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub joint: Vec<i64>,
}

/// An item's steps, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workflow {
    pub steps: Vec<StepTemplate>,
}

impl Workflow {
    /// 受理 (window clerk) → 审查 (reviewer) → 决定 (approver) → 办结送达 (clerk).
    pub fn standard() -> Self {
        let step = |kind: StepKind, role| StepTemplate {
            kind,
            name: kind.zh().to_string(),
            role,
            joint: Vec::new(),
        };
        Self {
            steps: vec![
                step(StepKind::Accept, Role::Clerk),
                step(StepKind::Review, Role::Reviewer),
                step(StepKind::Decide, Role::Approver),
                step(StepKind::Deliver, Role::Clerk),
            ],
        }
    }

    /// A template a department admin wrote: it must start with one accept
    /// step, have exactly one decide step after it and end with delivery;
    /// review steps may sit anywhere between; staff roles only.
    pub fn parse(steps: Vec<StepTemplate>, own_department: i64) -> Result<Self, Invalid> {
        let mut inv = Invalid::default();
        let kinds: Vec<StepKind> = steps.iter().map(|s| s.kind).collect();
        if kinds.first() != Some(&StepKind::Accept) {
            inv.push("steps[0].kind", "第一个环节必须是受理");
        }
        if kinds.last() != Some(&StepKind::Deliver) {
            inv.push("steps", "最后一个环节必须是办结送达");
        }
        if kinds.iter().filter(|k| **k == StepKind::Accept).count() > 1 {
            inv.push("steps", "只有第一个环节可以是受理");
        }
        if kinds.iter().filter(|k| **k == StepKind::Decide).count() != 1 {
            inv.push("steps", "必须有且只有一个决定环节");
        }
        if kinds.iter().filter(|k| **k == StepKind::Deliver).count() > 1 {
            inv.push("steps", "只有最后一个环节可以是办结送达");
        }
        for (i, s) in steps.iter().enumerate() {
            let name = s.name.trim();
            if name.is_empty() || name.chars().count() > 20 {
                inv.push(format!("steps[{i}].name"), "环节名称应为1至20个字");
            }
            if !s.role.is_staff() {
                inv.push(format!("steps[{i}].role"), "环节只能由工作人员办理");
            }
            if !s.joint.is_empty() && s.kind != StepKind::Decide {
                inv.push(format!("steps[{i}].joint"), "只有决定环节可以并联办理");
            }
            if s.joint.contains(&own_department) {
                inv.push(
                    format!("steps[{i}].joint"),
                    "事项所属部门必然参与决定，这里只需列出其他部门",
                );
            }
        }
        inv.into_result(|| Self { steps })
    }

    pub fn decide_step(&self) -> usize {
        self.steps
            .iter()
            .position(|s| s.kind == StepKind::Decide)
            .unwrap_or(self.steps.len().saturating_sub(2))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(kind: StepKind, role: Role) -> StepTemplate {
        StepTemplate {
            kind,
            name: kind.zh().into(),
            role,
            joint: vec![],
        }
    }

    #[test]
    fn the_standard_template_is_valid() {
        let w = Workflow::standard();
        assert_eq!(Workflow::parse(w.steps.clone(), 1).unwrap(), w);
        assert_eq!(w.decide_step(), 2);
    }

    #[test]
    fn templates_keep_the_order_of_the_law() {
        let e = Workflow::parse(
            vec![
                step(StepKind::Review, Role::Reviewer),
                step(StepKind::Decide, Role::Approver),
            ],
            1,
        )
        .unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["steps[0].kind", "steps"]);

        let mut joint = Workflow::standard().steps;
        joint[1].joint = vec![7];
        joint[2].joint = vec![1];
        joint[3].role = Role::Citizen;
        let e = Workflow::parse(joint, 1).unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            ["steps[1].joint", "steps[2].joint", "steps[3].role"]
        );

        let mut two_reviews = Workflow::standard().steps;
        two_reviews.insert(2, step(StepKind::Review, Role::Reviewer));
        two_reviews[3].joint = vec![5, 9];
        assert!(Workflow::parse(two_reviews, 1).is_ok());
    }
}
