//! Line breaking for mixed Chinese and Latin text.
//!
//! Chinese may break between any two characters, Latin words stay whole,
//! and the punctuation rules of Chinese typesetting (禁则) hold: 、。，；：
//! and closing brackets never start a line, opening brackets never end one.
//! Measuring is the caller's: it passes each character's advance in points.

/// How a text may be broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Breaks {
    /// Prose: the rules above.
    Words,
    /// Between any two characters: URLs and codes, which have no words and
    /// must not be pushed off a narrow column.
    Anywhere,
}

/// One laid-out line and its width in points (trailing spaces excluded).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Line {
    pub(crate) text: String,
    pub(crate) width: f32,
    /// Ended by wrapping rather than by the end of the text or a `\n`: such
    /// a line may be spread to the full measure (两端对齐).
    pub(crate) wrapped: bool,
}

const NO_LINE_START: &str = "、。，．；：？！）］｝》」』】〕〉〗”’…,.;:!?)]}%";
const NO_LINE_END: &str = "（［｛《「『【〔〈〖“‘([{";

/// Breaks `text` into lines at most `width` points wide; the first line is
/// `first_indent` narrower (the caller draws it that much to the right).
/// A `\n` forces a break. A single character wider than the line still gets
/// a line of its own rather than looping forever.
pub(crate) fn wrap<E>(
    text: &str,
    width: f32,
    first_indent: f32,
    breaks: Breaks,
    advance: &mut impl FnMut(char) -> Result<f32, E>,
) -> Result<Vec<Line>, E> {
    let mut lines = Vec::new();
    for segment in text.split('\n') {
        let units = units(segment.trim_end_matches('\r'), breaks, advance)?;
        let indent = if lines.is_empty() { first_indent } else { 0.0 };
        fill(&units, width, indent, &mut lines);
    }
    Ok(lines)
}

/// A piece that is never broken unless it alone overflows a line.
struct Unit {
    text: String,
    width: f32,
    space: bool,
    /// Each character's advance, for the overflow case.
    advances: Vec<f32>,
}

fn units<E>(
    segment: &str,
    breaks: Breaks,
    advance: &mut impl FnMut(char) -> Result<f32, E>,
) -> Result<Vec<Unit>, E> {
    let mut units: Vec<Unit> = Vec::new();
    let mut in_word = false;
    let mut glue = false;
    for c in segment.chars() {
        let c = if c == '\t' { ' ' } else { c };
        let w = advance(c)?;
        if c == ' ' {
            units.push(Unit {
                text: " ".into(),
                width: w,
                space: true,
                advances: vec![w],
            });
            in_word = false;
            glue = false;
            continue;
        }
        let append = match breaks {
            Breaks::Anywhere => false,
            Breaks::Words => {
                let after_text = units.last().is_some_and(|u| !u.space);
                glue || (after_text && NO_LINE_START.contains(c)) || (in_word && !is_wide(c))
            }
        };
        match units.last_mut() {
            Some(last) if append => {
                last.text.push(c);
                last.width += w;
                last.advances.push(w);
            }
            _ => units.push(Unit {
                text: c.to_string(),
                width: w,
                space: false,
                advances: vec![w],
            }),
        }
        in_word = !is_wide(c);
        glue = breaks == Breaks::Words && NO_LINE_END.contains(c);
    }
    Ok(units)
}

/// Characters that stand alone as break opportunities: CJK, fullwidth forms
/// and the general punctuation block (“”…—) that Chinese text uses.
fn is_wide(c: char) -> bool {
    c as u32 >= 0x2000
}

fn fill(units: &[Unit], width: f32, indent: f32, lines: &mut Vec<Line>) {
    let mut line = Line {
        text: String::new(),
        width: 0.0,
        wrapped: false,
    };
    let mut avail = width - indent;
    let mut pending_space: Option<&Unit> = None;
    let push_line = |line: &mut Line, lines: &mut Vec<Line>| {
        let next = Line {
            text: String::new(),
            width: 0.0,
            wrapped: false,
        };
        let mut done = std::mem::replace(line, next);
        done.wrapped = true;
        lines.push(done);
    };
    for unit in units {
        if unit.space {
            // Spaces only count between words on the same line.
            if !line.text.is_empty() {
                pending_space = Some(unit);
            }
            continue;
        }
        let space_width = pending_space.map_or(0.0, |s| s.width);
        if line.width + space_width + unit.width <= avail {
            if let Some(space) = pending_space.take() {
                line.text.push_str(&space.text);
                line.width += space.width;
            }
            line.text.push_str(&unit.text);
            line.width += unit.width;
            continue;
        }
        pending_space = None;
        if !line.text.is_empty() {
            push_line(&mut line, lines);
            avail = width;
        }
        if unit.width <= avail {
            line.text.push_str(&unit.text);
            line.width = unit.width;
            continue;
        }
        // A word (or URL) wider than the whole line: cut it where it overflows.
        for (c, w) in unit.text.chars().zip(&unit.advances) {
            if line.width + w > avail && !line.text.is_empty() {
                push_line(&mut line, lines);
                avail = width;
            }
            line.text.push(c);
            line.width += w;
        }
    }
    // An empty segment still takes a line: "\n\n" is a blank line.
    lines.push(line);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chinese one point wide, Latin half a point: enough to check the rules.
    fn lines(text: &str, width: f32, indent: f32, breaks: Breaks) -> Vec<String> {
        let mut advance = |c: char| -> Result<f32, ()> { Ok(if is_wide(c) { 1.0 } else { 0.5 }) };
        wrap(text, width, indent, breaks, &mut advance)
            .unwrap()
            .into_iter()
            .map(|l| l.text)
            .collect()
    }

    #[test]
    fn chinese_breaks_between_any_characters() {
        assert_eq!(
            lines("申请人提交的材料齐全", 4.0, 0.0, Breaks::Words),
            ["申请人提", "交的材料", "齐全"]
        );
    }

    #[test]
    fn the_first_line_is_indented() {
        assert_eq!(
            lines("申请人提交的材料齐全", 4.0, 2.0, Breaks::Words),
            ["申请", "人提交的", "材料齐全"]
        );
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // A plain break would put ， at the start of line two; the character
        // before it moves down with it.
        assert_eq!(
            lines("经审查，符合条件。准予", 3.0, 0.0, Breaks::Words),
            ["经审", "查，符", "合条", "件。准", "予"]
        );
        assert_eq!(
            lines("材料一、材料二；", 3.0, 0.0, Breaks::Words),
            ["材料", "一、材", "料二；"]
        );
    }

    #[test]
    fn opening_brackets_never_end_a_line() {
        assert_eq!(
            lines("依据《行政许可法》", 3.0, 0.0, Breaks::Words),
            ["依据", "《行政", "许可", "法》"]
        );
    }

    #[test]
    fn latin_words_stay_whole() {
        // "Food Co Ltd" at 0.5 per letter: "Food" is 2 points wide.
        assert_eq!(
            lines("许可证Food Co Ltd", 5.0, 0.0, Breaks::Words),
            ["许可证Food", "Co Ltd"]
        );
        assert_eq!(
            lines("编号JY13101010000001号", 6.0, 0.0, Breaks::Words),
            ["编号", "JY1310101000", "0001号"]
        );
    }

    #[test]
    fn anywhere_breaks_urls_at_the_column() {
        assert_eq!(
            lines("https://a.b/v/12", 3.0, 0.0, Breaks::Anywhere),
            ["https:", "//a.b/", "v/12"]
        );
    }

    #[test]
    fn newlines_force_breaks_and_blank_lines_survive() {
        assert_eq!(
            lines("一\n\n二", 10.0, 0.0, Breaks::Words),
            ["一", "", "二"]
        );
        assert_eq!(lines("", 10.0, 0.0, Breaks::Words), [""]);
    }

    #[test]
    fn only_wrapped_lines_may_be_spread() {
        let mut advance = |c: char| -> Result<f32, ()> { Ok(if is_wide(c) { 1.0 } else { 0.5 }) };
        let out = wrap("一二三四五\n六", 2.0, 0.0, Breaks::Words, &mut advance).unwrap();
        let wrapped: Vec<bool> = out.iter().map(|l| l.wrapped).collect();
        assert_eq!(wrapped, [true, true, false, false]);
    }

    #[test]
    fn spaces_do_not_start_or_end_lines() {
        let out = lines("ab cd ef", 2.5, 0.0, Breaks::Words);
        assert_eq!(out, ["ab cd", "ef"]);
        for line in out {
            assert_eq!(line.trim(), line);
        }
    }
}
