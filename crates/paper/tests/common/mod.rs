//! Documents and tools shared by the PDF tests.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use bianli_paper::{Document, Fonts, Layout};
use chrono::NaiveDate;

/// The installed Noto CJK fonts, loaded once for all tests as the server
/// would. Their absence fails the test with the install hint.
pub fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| Fonts::discover().unwrap_or_else(|err| panic!("{err}")))
}

pub fn notice() -> Document {
    Document {
        kind: Layout::Notice,
        title: "受理通知书".into(),
        number: "京朝市监受〔2026〕第00017号".into(),
        addressee: Some("张三：".into()),
        paragraphs: vec![
            "你（单位）于2026年11月20日提出的食品经营许可申请，经审查，申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》第三十二条的规定，决定予以受理。".into(),
            "本机关将在受理之日起10个工作日内作出决定。你可凭办件编号和查询码在网上查询办理进度，也可扫描下方二维码核验本通知书。".into(),
        ],
        fields: vec![
            ("办件编号".into(), "110105-20261126-000017".into()),
            ("事项名称".into(), "食品经营许可（新办）".into()),
            ("申请人".into(), "北京朝阳区张三餐饮店（个体工商户）".into()),
            ("承诺办结时限".into(), "2026年12月10日".into()),
        ],
        issuer: "北京市朝阳区市场监督管理局".into(),
        date: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        verify_url: "https://bianli.example.gov.cn/v/110105-20261126-000017?c=7K2QX9".into(),
    }
}

pub fn licence() -> Document {
    Document {
        kind: Layout::Licence,
        title: "食品经营许可证".into(),
        number: "编号：JY11105010000017".into(),
        addressee: None,
        paragraphs: vec![
            "本许可证是经营者从事食品经营活动的合法凭证，应当悬挂或者摆放在经营场所的显著位置。"
                .into(),
        ],
        fields: vec![
            ("经营者名称".into(), "北京朝阳区张三餐饮店".into()),
            ("统一社会信用代码".into(), "92110105MA01ABCD2X".into()),
            ("法定代表人（负责人）".into(), "张三".into()),
            (
                "住所".into(),
                "北京市朝阳区建国路88号SOHO现代城1号楼101室".into(),
            ),
            (
                "经营项目".into(),
                "热食类食品制售；冷食类食品制售；自制饮品制售（不含自酿酒）".into(),
            ),
            ("有效期至".into(), "2031年11月25日".into()),
        ],
        issuer: "北京市朝阳区市场监督管理局".into(),
        date: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        verify_url: "https://bianli.example.gov.cn/v/JY11105010000017?c=Q4M8TZ".into(),
    }
}

/// A fresh directory for one test's files: removed when the test passes,
/// kept (and named in the failure output) when it fails, to look at.
pub struct Scratch(PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("bianli-paper-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("PDFs kept in {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// Runs a poppler-utils tool and returns its standard output.
pub fn poppler(tool: &str, args: &[&str]) -> String {
    let output = Command::new(tool).args(args).output().unwrap_or_else(|err| {
        panic!("cannot run {tool} ({err}): install Debian's poppler-utils (`apt install poppler-utils`)")
    });
    assert!(
        output.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}
