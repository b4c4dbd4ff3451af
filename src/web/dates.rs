//! Dates as people read them: Europe/Paris time, « jeudi 12 mars 2026, 18 h 30 » in French,
//! "Thursday 12 March 2026, 6:30 pm" in English.

use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Europe::Paris;

use super::Lang;

const JOURS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const MOIS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The date alone: « jeudi 12 mars 2026 ».
pub fn date(at: DateTime<Utc>, lang: Lang) -> String {
    let local = at.with_timezone(&Paris);
    let weekday = local.weekday().num_days_from_monday() as usize;
    let month = local.month0() as usize;
    match lang {
        Lang::Fr => {
            let day = if local.day() == 1 {
                "1er".to_owned()
            } else {
                local.day().to_string()
            };
            format!(
                "{} {} {} {}",
                JOURS[weekday],
                day,
                MOIS[month],
                local.year()
            )
        }
        Lang::En => format!(
            "{} {} {} {}",
            DAYS[weekday],
            local.day(),
            MONTHS[month],
            local.year()
        ),
    }
}

/// The month: « décembre 2026 », "December 2026".
pub fn month(at: DateTime<Utc>, lang: Lang) -> String {
    let local = at.with_timezone(&Paris);
    let names = match lang {
        Lang::Fr => &MOIS,
        Lang::En => &MONTHS,
    };
    format!("{} {}", names[local.month0() as usize], local.year())
}

/// The time alone: « 18 h 30 », "6:30 pm".
pub fn time(at: DateTime<Utc>, lang: Lang) -> String {
    let local = at.with_timezone(&Paris);
    let (h, m) = (local.hour(), local.minute());
    match lang {
        Lang::Fr if m == 0 => format!("{h}\u{a0}h"),
        Lang::Fr => format!("{h}\u{a0}h\u{a0}{m:02}"),
        Lang::En => {
            let (h12, suffix) = match h {
                0 => (12, "am"),
                1..=11 => (h, "am"),
                12 => (12, "pm"),
                _ => (h - 12, "pm"),
            };
            format!("{h12}:{m:02}\u{a0}{suffix}")
        }
    }
}

/// Date and time: « jeudi 12 mars 2026, 18 h 30 ».
pub fn datetime(at: DateTime<Utc>, lang: Lang) -> String {
    format!("{}, {}", date(at, lang), time(at, lang))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn french_and_english_in_paris_time() {
        // 17:30 UTC in March (winter time) is 18:30 in Paris.
        let at = Utc.with_ymd_and_hms(2026, 3, 12, 17, 30, 0).unwrap();
        assert_eq!(
            datetime(at, Lang::Fr),
            "jeudi 12 mars 2026, 18\u{a0}h\u{a0}30"
        );
        assert_eq!(
            datetime(at, Lang::En),
            "Thursday 12 March 2026, 6:30\u{a0}pm"
        );
        // Summer time: UTC+2.
        let at = Utc.with_ymd_and_hms(2026, 7, 1, 7, 0, 0).unwrap();
        assert_eq!(
            datetime(at, Lang::Fr),
            "mercredi 1er juillet 2026, 9\u{a0}h"
        );
        // 23:30 UTC on 31 December is already January in Paris.
        let at = Utc.with_ymd_and_hms(2026, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(month(at, Lang::Fr), "janvier 2027");
        assert_eq!(month(at, Lang::En), "January 2027");
    }
}
