//! Ticket numbers (预约号): `H<hall>-<YYMMDD>-<NNN>`, e.g. `H12-261130-007`,
//! the 7th booking made for hall 12's slots on 30 November 2026. Read aloud
//! at the window; the hall and the day are visible at a glance; within one
//! hall and day they sort in booking order.

use std::fmt;

use chrono::NaiveDate;
use serde::Serialize;

use crate::Invalid;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Ticket(String);

impl Ticket {
    pub fn new(hall: i64, date: NaiveDate, seq: i64) -> Ticket {
        Ticket(format!("H{hall}-{}-{seq:03}", date.format("%y%m%d")))
    }

    pub fn parse(s: &str) -> Result<Ticket, Invalid> {
        let bad = || {
            Invalid::one(
                "ticket",
                format!("“{s}”不是有效的预约号，格式应为H<大厅编号>-YYMMDD-NNN，如H12-261130-007"),
            )
        };
        let rest = s.strip_prefix('H').ok_or_else(bad)?;
        let mut parts = rest.split('-');
        let (Some(hall), Some(day), Some(seq), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let digits = |p: &str, min: usize, max: usize| {
            (min..=max).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
        };
        let ok = digits(hall, 1, 18)
            && !hall.starts_with('0')
            && digits(day, 6, 6)
            && NaiveDate::parse_from_str(&format!("20{day}"), "%Y%m%d").is_ok()
            && digits(seq, 3, 9);
        if ok {
            Ok(Ticket(s.to_string()))
        } else {
            Err(bad())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ticket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_and_parsed_back() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let t = Ticket::new(12, d, 7);
        assert_eq!(t.as_str(), "H12-261130-007");
        assert_eq!(Ticket::parse("H12-261130-007").unwrap(), t);
        assert_eq!(Ticket::new(3, d, 1234).as_str(), "H3-261130-1234");
        assert!(Ticket::parse("H3-261130-1234").is_ok());
    }

    #[test]
    fn refuses_anything_else() {
        for bad in [
            "",
            "12-261130-007",
            "H12-261130",
            "H12-261130-07",
            "H12-261331-007",
            "H012-261130-007",
            "H12-261130-007-1",
            "Hx-261130-007",
            "H12-2611300-007",
            "H12-261130-00a",
        ] {
            let e = Ticket::parse(bad).unwrap_err();
            assert_eq!(e.0[0].field, "ticket", "{bad}");
        }
    }
}
