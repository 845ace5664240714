//! Calendar dates in UTC for the timestamps formats store as text or as
//! broken-down fields (changelogs, xar TOCs, OCI annotations, zip and cabinet
//! entries). Every one comes from `SOURCE_DATE_EPOCH`, so none depends on the
//! build machine's clock or time zone.

use time::{OffsetDateTime, PrimitiveDateTime};

/// The last second `time` can represent (9999-12-31T23:59:59Z).
const LAST_SECOND: i64 = 253_402_300_799;

/// Seconds since the epoch as a UTC date and time; later than year 9999
/// is clamped there (no format stores such dates).
pub fn utc(epoch: u64) -> OffsetDateTime {
    let seconds = i64::try_from(epoch).unwrap_or(LAST_SECOND).min(LAST_SECOND);
    OffsetDateTime::from_unix_timestamp(seconds).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The UTC date and time clamped to the years a DOS date holds
/// (1980-01-01 to 2107-12-31T23:59:58), as zip and cabinet entries store it.
pub fn dos(epoch: u64) -> PrimitiveDateTime {
    const FIRST: u64 = 315_532_800;
    const LAST: u64 = 4_354_819_198;
    let at = utc(epoch.clamp(FIRST, LAST));
    PrimitiveDateTime::new(at.date(), at.time())
}

/// RFC 3339 in UTC: `2023-11-14T22:13:20Z`.
pub fn rfc3339(epoch: u64) -> String {
    let at = utc(epoch);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// RFC 2822 in UTC: `Tue, 14 Nov 2023 22:13:20 +0000` (Debian changelogs).
pub fn rfc2822(epoch: u64) -> String {
    let at = utc(epoch);
    let weekday = &at.weekday().to_string()[..3];
    let month = &at.month().to_string()[..3];
    format!(
        "{weekday}, {:02} {month} {} {:02}:{:02}:{:02} +0000",
        at.day(),
        at.year(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_match_gnu_date() {
        // Each expected value printed by `date -u -d @N +%FT%TZ` and `date -u -R -d @N`.
        for (epoch, rfc3339_want, rfc2822_want) in [
            (0, "1970-01-01T00:00:00Z", "Thu, 01 Jan 1970 00:00:00 +0000"),
            (
                951_782_400,
                "2000-02-29T00:00:00Z",
                "Tue, 29 Feb 2000 00:00:00 +0000",
            ),
            (
                1_700_000_000,
                "2023-11-14T22:13:20Z",
                "Tue, 14 Nov 2023 22:13:20 +0000",
            ),
            (
                1_704_067_199,
                "2023-12-31T23:59:59Z",
                "Sun, 31 Dec 2023 23:59:59 +0000",
            ),
            (
                4_102_444_800,
                "2100-01-01T00:00:00Z",
                "Fri, 01 Jan 2100 00:00:00 +0000",
            ),
        ] {
            assert_eq!(rfc3339(epoch), rfc3339_want);
            assert_eq!(rfc2822(epoch), rfc2822_want);
        }
    }

    #[test]
    fn dates_beyond_year_9999_are_clamped_not_a_panic() {
        assert_eq!(rfc3339(u64::MAX), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn dos_dates_clamp_both_ends() {
        assert_eq!(dos(0).year(), 1980);
        assert_eq!(dos(u64::MAX).year(), 2107);
        assert_eq!(dos(1_700_000_000).to_string(), "2023-11-14 22:13:20.0");
    }
}
