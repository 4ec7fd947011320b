//! Everyday words people type, mapped to the official vocabulary of the power
//! list. Kept deliberately small and hand-checked: each entry exists because a
//! citizen would otherwise get no useful hit, and a wrong entry costs precision
//! on every query containing it.
//!
//! Phrases are written in normalized form (lower-case, half-width), since they
//! are matched against the normalized query.

/// (colloquial phrases, official terms the query should also match).
/// Matching is by substring, so a phrase also fires inside a longer sentence
/// (我想开饭店 → 开饭店).
pub(crate) const SYNONYMS: &[(&[&str], &str)] = &[
    (
        &[
            "开饭店",
            "开餐馆",
            "开饭馆",
            "开餐厅",
            "开小吃店",
            "开面馆",
            "开奶茶店",
        ],
        "食品经营 餐饮",
    ),
    (&["卖烟", "卖香烟", "烟酒店"], "烟草专卖零售"),
    (
        &["生孩子", "生小孩", "出生", "新生儿"],
        "出生医学证明 生育 出生登记",
    ),
    (&["结婚", "领证"], "结婚登记"),
    (&["离婚"], "离婚登记"),
    (&["办护照", "出国"], "普通护照"),
    (&["开网吧"], "上网服务营业场所"),
    (&["开ktv", "开歌厅", "开舞厅"], "娱乐场所经营"),
    (&["盖房子", "建房"], "建筑工程施工许可 建设工程规划许可"),
    (&["卖房", "预售"], "商品房预售许可"),
    (&["取公积金", "提公积金"], "住房公积金提取"),
    (&["开药店", "开药房"], "药品零售"),
    (&["开公司", "注册公司"], "企业设立登记"),
    (
        &["开旅馆", "开酒店", "开宾馆"],
        "公共场所卫生许可 特种行业许可",
    ),
    (&["开车", "学车", "驾照"], "机动车驾驶证"),
    (&["低保"], "最低生活保障"),
    (&["社保卡"], "社会保障卡"),
];

/// Words that frame a question rather than name a service. Stripped from the
/// query text (longest first, so 怎么办 goes before 怎么) so that
/// "生孩子要办什么" is searched as "生孩子". They stay in the text used for
/// exact-name matching, so an item whose name contains one is still found.
#[rustfmt::skip]
pub(crate) const FILLERS: &[&str] = &[
    "要办什么", "需要什么", "怎么办理", "如何办理", "在哪里办", "在哪办", "怎么办", "要什么",
    "办什么", "哪些", "手续", "需要", "我想", "我要", "想要", "办理", "如何", "怎么", "怎样",
    "什么", "哪里", "在哪", "请问",
];

/// Single-character words jieba leaves behind in colloquial questions; each
/// would otherwise match thousands of items through unrelated materials.
pub(crate) const STOP_TERMS: &[&str] = &[
    "的", "了", "吗", "呢", "啊", "吧", "呀", "我", "你", "要", "想", "办", "去", "在", "和", "与",
    "及", "是", "有", "个", "给", "把", "被", "也", "都", "就", "还", "又", "或",
];

/// Expansion terms for every colloquial phrase contained in `normalized`.
pub(crate) fn expansions(normalized: &str) -> impl Iterator<Item = &'static str> + '_ {
    SYNONYMS
        .iter()
        .filter(|(phrases, _)| phrases.iter().any(|p| normalized.contains(p)))
        .map(|(_, official)| *official)
}

/// `normalized` with every filler word replaced by a space.
pub(crate) fn strip_fillers(normalized: &str) -> String {
    FILLERS.iter().fold(normalized.to_owned(), |text, filler| {
        text.replace(filler, " ")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_are_normalized() {
        for (phrases, _) in SYNONYMS {
            for p in *phrases {
                assert_eq!(crate::analyzer::normalize(p), *p, "{p}");
            }
        }
    }

    #[test]
    fn fillers_longest_first_within_overlaps() {
        // A shorter filler that is a substring of a longer one must come after
        // it, or the longer one can never match.
        for (i, short) in FILLERS.iter().enumerate() {
            for long in &FILLERS[i + 1..] {
                assert!(!long.contains(short), "{long} must precede {short}");
            }
        }
    }

    #[test]
    fn question_is_reduced_to_its_subject() {
        assert_eq!(strip_fillers("生孩子要办什么").trim(), "生孩子");
        assert_eq!(
            strip_fillers("我想开饭店需要哪些手续")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["开饭店"]
        );
    }

    #[test]
    fn expansion_fires_inside_sentence() {
        let e: Vec<_> = expansions("我想开饭店").collect();
        assert_eq!(e, ["食品经营 餐饮"]);
    }
}
