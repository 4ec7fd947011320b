//! The page shown when a request fails: the right status, a plain Chinese
//! explanation, and the fields at fault.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use bianli_app::AppError;

use super::layout::{Chrome, Section};
use crate::ApiError;

pub struct PageError {
    pub error: ApiError,
    /// The header of the page that failed; `None` shows a signed-out header.
    pub chrome: Option<Box<Chrome>>,
}

impl PageError {
    pub fn bare(e: impl Into<ApiError>) -> Self {
        PageError {
            error: e.into(),
            chrome: None,
        }
    }
}

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError::bare(e)
    }
}

pub struct FieldView {
    pub field: String,
    /// The field as the form labels it, or "" when it has no label.
    pub label: &'static str,
    pub reason: String,
}

/// The Chinese name of a field an error names (`materials[2].name` → 申请材料).
pub fn label_of(field: &str) -> &'static str {
    let head = field.split(['[', '.']).next().unwrap_or(field);
    match head {
        "q" => "关键词",
        "level" => "层级",
        "division" => "行政区划",
        "department" | "department_id" => "实施部门",
        "kind" => "类型",
        "channel" | "channels" => "办理渠道",
        "zero_trip" => "零跑动",
        "as_of" => "日期",
        "baseline" => "对比基准日",
        "from" => "起始日期",
        "to" => "截止日期",
        "cursor" => "翻页位置",
        "limit" => "每页条数",
        "name" => "事项名称",
        "aliases" => "俗称",
        "promised_days" => "承诺时限",
        "visits" => "到现场次数",
        "materials" => "申请材料",
        "fee_fen" => "收费金额",
        "fee_basis" => "收费依据",
        "legal_basis" => "设定依据",
        "statutory_days" => "法定时限",
        "statutory_unit" => "法定时限单位",
        "effective_on" => "生效日期",
        "issued_on" => "印发日期",
        "number" => "文号",
        "title" => "标题",
        "code" => "事项编码",
        "codes" => "被合并事项",
        "chain_group" => "全链条",
        "commitment_allowed" => "告知承诺",
        "decree" => "调整决定",
        "prerequisite" | "prerequisites" => "前置条件",
        "post_links" => "后置事项",
        "adjustments" => "调整事项",
        "item" => "事项",
        "form" => "申请信息",
        "applicant" => "申请人",
        "score" => "评分",
        "comment" => "意见建议",
        "state" => "办件状态",
        _ => "",
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub status: u16,
    pub title: String,
    pub message: &'static str,
    pub detail: String,
    pub errors: Vec<FieldView>,
}

fn message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        404 => "没有找到您要的页面或事项，可能地址有误或已被删除。",
        422 => "您填写或选择的内容有误，请按下面的提示修改后再试。",
        409 => "操作与当前数据冲突，请刷新后查看最新情况。",
        401 => "请先登录。",
        403 => "您的账号没有这项操作的权限。",
        400 => "请求有误，请返回上一页重试。",
        _ => "系统出了点问题，我们已记录，请稍后再试。",
    }
}

pub fn field_views(e: &ApiError) -> Vec<FieldView> {
    e.errors()
        .iter()
        .map(|v| {
            let field = v
                .get("field")
                .and_then(|f| f.as_str())
                .unwrap_or_default()
                .to_string();
            FieldView {
                label: label_of(&field),
                reason: v
                    .get("reason")
                    .and_then(|f| f.as_str())
                    .unwrap_or_default()
                    .to_string(),
                field,
            }
        })
        .collect()
}

impl ErrorPage {
    pub fn of(error: &ApiError, chrome: Chrome) -> ErrorPage {
        let status = error.status();
        ErrorPage {
            chrome,
            status: status.as_u16(),
            title: error.title().to_string(),
            message: message(status),
            detail: error.detail(),
            errors: field_views(error),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.error.status();
        let chrome = self
            .chrome
            .map(|c| *c)
            .unwrap_or_else(|| Chrome::new(Section::None, None, false, false, String::new(), "/"));
        match ErrorPage::of(&self.error, chrome).render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => {
                tracing::error!(error = %e, "rendering the error page failed");
                (status, self.error.title()).into_response()
            }
        }
    }
}

/// The page for a path no route serves.
pub async fn not_found(viewer: super::auth::Viewer) -> PageError {
    viewer.fail(AppError::NotFound("该页面".into()))
}
