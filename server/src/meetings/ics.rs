//! Meetings as iCalendar (RFC 5545): CRLF line endings, content lines folded so that no
//! line is longer than 75 octets (never inside a UTF-8 character), `\`, `;`, `,` and line
//! breaks escaped in text, times in Japan time (`DTSTART;TZID=Asia/Tokyo:…`) with the
//! VTIMEZONE that defines it (Japan keeps +09:00 all year, so one STANDARD rule).
//!
//! Written here rather than through the `icalendar` crate: its 0.17 folding leaves a
//! 76-octet line when exactly 75 octets remain after a fold, and it gives every component,
//! a VTIMEZONE too, a UID and a DTSTAMP, which RFC 5545 does not allow there. The crate's
//! parser still reads these files back in the tests.
//!
//! The UID is the meeting's own, so a calendar that imports a newer file updates the
//! event; SEQUENCE follows the meeting's version, and a cancelled meeting is
//! `STATUS:CANCELLED`.

use chrono::{DateTime, FixedOffset, Utc};

use app::meetings::{Meeting, MeetingState};

/// The most octets of a line, without its CRLF (RFC 5545 §3.1).
const LINE_OCTETS: usize = 75;

const TZID: &str = "Asia/Tokyo";

/// The stable UID of a meeting's event.
pub fn uid(meeting: &Meeting) -> String {
    format!("meeting-{}@kakehashi", meeting.id)
}

/// TEXT escaped (RFC 5545 §3.3.11): backslash, semicolon, comma, and each line break as
/// `\n`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (RFC 5545 §3.1): at most 75 octets on the first line and 74
/// after the space that starts each continuation, cut only between characters.
fn push_line(out: &mut String, line: &str) {
    let mut room = LINE_OCTETS;
    let mut used = 0;
    for c in line.chars() {
        if used + c.len_utf8() > room {
            out.push_str("\r\n ");
            room = LINE_OCTETS - 1;
            used = 0;
        }
        out.push(c);
        used += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// A local date-time on the Japan clock, for `TZID=Asia/Tokyo`.
fn japan(at: DateTime<Utc>) -> String {
    let offset = FixedOffset::east_opt(9 * 3600).expect("+09:00 is a valid offset");
    at.with_timezone(&offset)
        .format("%Y%m%dT%H%M%S")
        .to_string()
}

fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// One VEVENT for a meeting: title, start and end, place (or the online link), the agenda
/// in the description, a link to it in Kakehashi.
fn event(out: &mut String, meeting: &Meeting, public_url: &str) {
    let mut line = |text: String| push_line(out, &text);
    line("BEGIN:VEVENT".into());
    line(format!("UID:{}", uid(meeting)));
    line(format!("DTSTAMP:{}", utc(meeting.updated_at)));
    line(format!("CREATED:{}", utc(meeting.created_at)));
    line(format!("LAST-MODIFIED:{}", utc(meeting.updated_at)));
    line(format!("SEQUENCE:{}", meeting.version.saturating_sub(1)));
    line(format!("DTSTART;TZID={TZID}:{}", japan(meeting.starts_at)));
    line(format!("DTEND;TZID={TZID}:{}", japan(meeting.ends_at)));
    line(format!("SUMMARY:{}", escape(&meeting.title)));
    let location = if meeting.place.is_empty() {
        meeting.online_url.clone().unwrap_or_default()
    } else {
        meeting.place.clone()
    };
    if !location.is_empty() {
        line(format!("LOCATION:{}", escape(&location)));
    }
    if let Some(link) = &meeting.online_url {
        // A URI value is not escaped (§3.3.13); the server keeps it as the URL parser
        // writes it, with no space, control or quote.
        line(format!("URL:{link}"));
    }
    let mut description = vec![meeting.platform.name.clone()];
    description.extend(
        meeting
            .agenda
            .iter()
            .map(|item| format!("{}. {}", item.position, item.title)),
    );
    if let Some(link) = &meeting.online_url {
        description.push(link.clone());
    }
    description.push(format!(
        "{}/meetings/{}",
        public_url.trim_end_matches('/'),
        meeting.id
    ));
    line(format!("DESCRIPTION:{}", escape(&description.join("\n"))));
    line(format!(
        "STATUS:{}",
        match meeting.state {
            MeetingState::Cancelled => "CANCELLED",
            MeetingState::Planned | MeetingState::Held => "CONFIRMED",
        }
    ));
    line("END:VEVENT".into());
}

/// A calendar of these meetings: the Asia/Tokyo time zone and one VEVENT each.
pub fn calendar(meetings: &[Meeting], public_url: &str) -> String {
    let mut out = String::new();
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Kakehashi//Council meetings//JA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Tokyo",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0900",
        "TZOFFSETTO:+0900",
        "TZNAME:JST",
        "END:STANDARD",
        "END:VTIMEZONE",
    ] {
        push_line(&mut out, line);
    }
    for meeting in meetings {
        event(&mut out, meeting, public_url);
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a\\b;c,d\ne\r\nf\rg"), "a\\\\b\\;c\\,d\\ne\\nf\\ng");
    }

    #[test]
    fn lines_fold_at_75_octets_between_characters() {
        for text in [
            "x".repeat(150),
            "x".repeat(74),
            "x".repeat(75),
            "x".repeat(76),
            "x".repeat(149),
            "会".repeat(60),
            format!("SUMMARY:{}", "協議会a".repeat(40)),
        ] {
            let mut out = String::new();
            push_line(&mut out, &text);
            assert!(out.ends_with("\r\n"));
            let lines: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
            for (i, l) in lines.iter().enumerate() {
                assert!(l.len() <= 75, "{} octets", l.len());
                if i > 0 {
                    assert!(l.starts_with(' '));
                }
            }
            let unfolded: String = lines
                .iter()
                .enumerate()
                .map(|(i, l)| if i == 0 { *l } else { &l[1..] })
                .collect();
            assert_eq!(unfolded, text);
            // Full lines: nothing is folded earlier than it must be.
            if text.is_ascii() && text.len() > 75 {
                assert_eq!(lines[0].len(), 75);
            }
        }
    }
}
