//! The run date, as tables write dates (`YYYY-MM-DD`, UTC). Honours
//! `SOURCE_DATE_EPOCH` so that reproducible builds and tests see a fixed day.

use std::time::{SystemTime, UNIX_EPOCH};

/// Today in UTC, or the day of `SOURCE_DATE_EPOCH` when it is set to a
/// number of seconds.
pub fn today() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    from_unix(secs)
}

/// `YYYY-MM-DD` of a Unix time (civil-from-days, Howard Hinnant's algorithm).
pub fn from_unix(secs: i64) -> String {
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DD` with a plausible year, month and day.
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    match (num(0..4), num(5..7), num(8..10)) {
        (Some(y), Some(m), Some(d)) => {
            (1990..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)
        }
        _ => false,
    }
}

/// "retired on D" for a day before or on `today`, "retires on D" after it.
pub fn retirement(day: &str, today: &str) -> String {
    // Both are YYYY-MM-DD, so text order is date order.
    if day <= today {
        format!("retired on {day}")
    } else {
        format!("retires on {day}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retirement_reads_relative_to_the_run_date() {
        assert_eq!(
            retirement("2026-07-24", "2026-11-29"),
            "retired on 2026-07-24"
        );
        assert_eq!(
            retirement("2026-11-29", "2026-11-29"),
            "retired on 2026-11-29"
        );
        assert_eq!(
            retirement("2027-01-08", "2026-11-29"),
            "retires on 2027-01-08"
        );
    }

    #[test]
    fn civil_dates() {
        assert_eq!(from_unix(0), "1970-01-01");
        assert_eq!(from_unix(951_782_400), "2000-02-29");
        assert_eq!(from_unix(1_798_675_200), "2026-12-31");
        assert_eq!(from_unix(1_798_761_599), "2026-12-31");
        assert_eq!(from_unix(1_798_761_600), "2027-01-01");
    }
}
