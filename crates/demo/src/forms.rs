//! The application forms (申请表) of the demo's licences, as their real
//! application forms ask: 《食品经营许可申请书》 asks the 经营场所, the 主体业态
//! and the 经营项目 the licence then prints; 公共场所卫生许可 asks which kind
//! of public place; a tobacco retail licence asks the shop's area and
//! its kind of outlet. Written in the line syntax a spreadsheet cell holds
//! (`代码=名称|必填或选填|类型|选项|印证`); 印证 marks what the licence
//! prints, as the paper licence does (经营场所, 主体业态, 经营项目).

use bianli_domain::catalog::FormFieldInput;

const FORMS: [(&str, &str); 6] = [
    (
        "食品经营许可",
        "premises=经营场所|必填|文本||印证；\
         business_type=主体业态|必填|单选|食品销售经营者/餐饮服务经营者/单位食堂|印证；\
         scope=经营项目|必填|多选|预包装食品销售/散装食品销售/特殊食品销售/热食类食品制售/冷食类食品制售/生食类食品制售/糕点类食品制售/自制饮品制售|印证；\
         area=经营面积|选填|数字|平方米；\
         opening=拟开业日期|选填|日期",
    ),
    (
        "食品生产许可",
        "premises=生产地址|必填|文本||印证；\
         category=食品类别|必填|多选|粮食加工品/食用油及油脂制品/调味品/肉制品/乳制品/饮料/方便食品/糕点/酒类/蔬菜制品|印证；\
         area=厂房面积|必填|数字|平方米",
    ),
    (
        "公共场所卫生许可",
        "premises=场所地址|必填|文本||印证；\
         place_type=场所类别|必填|单选|住宿场所/沐浴场所/美容美发场所/游泳场所/文化娱乐场所/商场超市|印证；\
         area=营业面积|必填|数字|平方米",
    ),
    (
        "娱乐场所经营许可",
        "premises=场所地址|必填|文本||印证；\
         place_type=场所类型|必填|单选|歌舞娱乐场所/游艺娱乐场所|印证；\
         rooms=包厢数量|选填|数字|间",
    ),
    (
        "烟草专卖零售许可证核发",
        "premises=经营场所|必填|文本||印证；\
         area=经营面积|必填|数字|平方米；\
         outlet=经营业态|必填|单选|便利店/超市/食杂店/烟酒商店/其他",
    ),
    (
        "药品零售企业许可",
        "premises=经营场所|必填|文本||印证；\
         scope=经营范围|必填|多选|中药饮片/中成药/化学药制剂/抗生素制剂/生化药品/生物制品|印证；\
         pharmacist=质量负责人|必填|文本||印证",
    ),
];

/// The item's own fields, or none.
pub(crate) fn for_item(name: &str) -> Vec<FormFieldInput> {
    FORMS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, lines)| {
            FormFieldInput::from_lines(lines).expect("embedded data: a form in the line syntax")
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_belongs_to_a_real_item_and_parses() {
        let rows = crate::items::rows();
        for (name, _) in FORMS {
            let row = rows.iter().find(|r| r.name == name).expect(name);
            let input = crate::items::input(row);
            assert!(!input.form.is_empty(), "{name}");
            for f in input.form {
                f.parse().expect(name);
            }
        }
    }
}
