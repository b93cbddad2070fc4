//! The itinerary email and the meeting notice (new / changed / cancelled) in en, de and zh.
//!
//! Templates are files under `templates/mail/`, embedded at compile time so the binary runs
//! from any directory. `.html` templates are HTML-escaped by minijinja; times arrive already
//! formatted (the caller owns time zones), so rendering is pure string work.

use std::sync::OnceLock;

use minijinja::{context, Environment, UndefinedBehavior};
use serde::{Deserialize, Serialize};

use super::{Content, Locale, MailError};

/// One session or meeting in a participant's itinerary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItineraryItem {
    /// The start and end in the recipient's own zone, formatted, e.g. "Mon 22 Mar, 09:00–09:30 CET".
    pub when_own: String,
    /// The same instant in the counterpart's zone, when it differs.
    pub when_counterpart: Option<String>,
    pub title: String,
    pub counterpart: Option<String>,
    pub organisation: Option<String>,
    pub interpreter: Option<String>,
    pub video_link: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItineraryView {
    pub locale: Locale,
    pub recipient_name: String,
    pub event_name: String,
    pub items: Vec<ItineraryItem>,
    pub personal_link: String,
    pub feed_url: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NoticeKind {
    /// Accompanies the first REQUEST of a meeting.
    New,
    /// Accompanies a REQUEST with a higher SEQUENCE.
    Changed,
    /// Accompanies a CANCEL.
    Cancelled,
}

/// The short email that travels with one meeting's invitation, update or cancellation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingNoticeView {
    pub locale: Locale,
    pub kind: NoticeKind,
    pub recipient_name: String,
    pub event_name: String,
    pub title: String,
    pub when_own: String,
    pub when_counterpart: Option<String>,
    /// For a change: when it was before, in the recipient's zone.
    pub previous_when_own: Option<String>,
    pub counterpart: Option<String>,
    pub organisation: Option<String>,
    pub interpreter: Option<String>,
    pub video_link: Option<String>,
    pub personal_link: String,
}

/// Words and phrases of one language; the sentences with names in them are built in
/// [`phrases`], the rest are labels.
#[derive(Debug, Serialize)]
struct Labels {
    lang: &'static str,
    /// ": " in Latin script, the full-width "：" in Chinese.
    colon: &'static str,
    their_time: &'static str,
    with: &'static str,
    interpreter: &'static str,
    join: &'static str,
    personal_page: &'static str,
    subscribe: &'static str,
    subscribe_hint: &'static str,
    nothing_yet: &'static str,
    previously: &'static str,
    calendar_hint: &'static str,
    signature: &'static str,
}

fn labels(locale: Locale) -> Labels {
    match locale {
        Locale::En => Labels {
            lang: "en",
            colon: ": ",
            their_time: "their time",
            with: "With",
            interpreter: "Interpreter",
            join: "Join",
            personal_page: "Your personal page",
            subscribe: "Subscribe to your calendar",
            subscribe_hint: "The feed updates itself when the programme changes.",
            nothing_yet: "No sessions or meetings yet.",
            previously: "Previously",
            calendar_hint: "The calendar entry is attached.",
            signature: "Your matchtour team",
        },
        Locale::De => Labels {
            lang: "de",
            colon: ": ",
            their_time: "Ortszeit Gegenseite",
            with: "Mit",
            interpreter: "Dolmetschung",
            join: "Teilnehmen",
            personal_page: "Ihre persönliche Seite",
            subscribe: "Kalender abonnieren",
            subscribe_hint: "Das Abonnement aktualisiert sich, wenn sich das Programm ändert.",
            nothing_yet: "Noch keine Programmpunkte oder Gespräche.",
            previously: "Bisher",
            calendar_hint: "Der Kalendereintrag ist angehängt.",
            signature: "Ihr matchtour-Team",
        },
        Locale::Zh => Labels {
            lang: "zh",
            colon: "：",
            their_time: "对方时间",
            with: "会谈对象",
            interpreter: "翻译",
            join: "加入会议",
            personal_page: "您的个人页面",
            subscribe: "订阅您的日历",
            subscribe_hint: "日程变更时，订阅的日历会自动更新。",
            nothing_yet: "暂无日程或会谈。",
            previously: "原定时间",
            calendar_hint: "日历邀请见附件。",
            signature: "matchtour 团队",
        },
    }
}

/// Sentences that embed names: (subject, greeting, lead).
fn itinerary_phrases(locale: Locale, name: &str, event: &str) -> (String, String, String) {
    match locale {
        Locale::En => (
            format!("Your programme: {event}"),
            format!("Hello {name},"),
            format!(
                "here is your programme for {event}. Times are in your time zone; \
                 the other side's local time is shown beside them."
            ),
        ),
        Locale::De => (
            format!("Ihr Programm: {event}"),
            format!("Guten Tag {name},"),
            format!(
                "hier ist Ihr Programm für {event}. Die Zeiten sind in Ihrer Zeitzone \
                 angegeben, die Ortszeit der Gegenseite steht daneben."
            ),
        ),
        Locale::Zh => (
            format!("您的日程：{event}"),
            format!("{name}，您好："),
            format!("以下是您在{event}的日程。时间按您所在的时区显示，旁边注明对方的当地时间。"),
        ),
    }
}

fn notice_phrases(
    locale: Locale,
    kind: NoticeKind,
    name: &str,
    title: &str,
) -> (String, String, String) {
    let (subject, lead) = match (locale, kind) {
        (Locale::En, NoticeKind::New) => (
            format!("Invitation: {title}"),
            format!("you are invited to {title}."),
        ),
        (Locale::En, NoticeKind::Changed) => {
            (format!("Changed: {title}"), format!("{title} has changed."))
        }
        (Locale::En, NoticeKind::Cancelled) => (
            format!("Cancelled: {title}"),
            format!("{title} has been cancelled."),
        ),
        (Locale::De, NoticeKind::New) => (
            format!("Einladung: {title}"),
            format!("Sie sind zu {title} eingeladen."),
        ),
        (Locale::De, NoticeKind::Changed) => (
            format!("Geändert: {title}"),
            format!("{title} wurde geändert."),
        ),
        (Locale::De, NoticeKind::Cancelled) => (
            format!("Abgesagt: {title}"),
            format!("{title} wurde abgesagt."),
        ),
        (Locale::Zh, NoticeKind::New) => (format!("邀请：{title}"), format!("诚邀您参加{title}。")),
        (Locale::Zh, NoticeKind::Changed) => (format!("变更：{title}"), format!("{title}已变更。")),
        (Locale::Zh, NoticeKind::Cancelled) => {
            (format!("取消：{title}"), format!("{title}已取消。"))
        }
    };
    let greeting = match locale {
        Locale::En => format!("Hello {name},"),
        Locale::De => format!("Guten Tag {name},"),
        Locale::Zh => format!("{name}，您好："),
    };
    (subject, greeting, lead)
}

const TEMPLATES: [(&str, &str); 4] = [
    (
        "itinerary.txt",
        include_str!("../../templates/mail/itinerary.txt"),
    ),
    (
        "itinerary.html",
        include_str!("../../templates/mail/itinerary.html"),
    ),
    (
        "notice.txt",
        include_str!("../../templates/mail/notice.txt"),
    ),
    (
        "notice.html",
        include_str!("../../templates/mail/notice.html"),
    ),
];

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        // A misspelt field fails the render instead of printing nothing.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.add_filter("weblink", weblink);
        for (name, source) in TEMPLATES {
            // The templates are part of the binary and covered by tests; a syntax error
            // surfaces as a render error naming the template (get_template below).
            if let Err(error) = env.add_template(name, source) {
                tracing::error!(template = name, %error, "mail template does not compile");
            }
        }
        env
    })
}

/// Only http(s) links become clickable; anything else (e.g. `javascript:`) renders empty.
fn weblink(value: String) -> String {
    let lower = value.trim().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        value.trim().to_owned()
    } else {
        String::new()
    }
}

fn render(name: &'static str, ctx: &minijinja::Value) -> Result<String, MailError> {
    let template_error = |source| MailError::Template { name, source };
    environment()
        .get_template(name)
        .map_err(template_error)?
        .render(ctx)
        .map_err(template_error)
}

/// The itinerary email for one participant.
pub fn render_itinerary(view: &ItineraryView) -> Result<Content, MailError> {
    let (subject, greeting, lead) =
        itinerary_phrases(view.locale, &view.recipient_name, &view.event_name);
    let ctx = context! {
        t => labels(view.locale),
        v => view,
        greeting => greeting,
        lead => lead,
        subject => subject,
    };
    Ok(Content {
        text: render("itinerary.txt", &ctx)?,
        html: render("itinerary.html", &ctx)?,
        subject,
    })
}

/// The email that carries one meeting's invitation, update or cancellation.
pub fn render_meeting_notice(view: &MeetingNoticeView) -> Result<Content, MailError> {
    let (subject, greeting, lead) =
        notice_phrases(view.locale, view.kind, &view.recipient_name, &view.title);
    let ctx = context! {
        t => labels(view.locale),
        v => view,
        greeting => greeting,
        lead => lead,
        subject => subject,
    };
    Ok(Content {
        text: render("notice.txt", &ctx)?,
        html: render("notice.html", &ctx)?,
        subject,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> ItineraryItem {
        ItineraryItem {
            when_own: "Mon 22 Mar, 09:00–09:30 CET".into(),
            when_counterpart: Some("16:00–16:30 CST".into()),
            title: "Bilateral talk".into(),
            counterpart: Some("张伟".into()),
            organisation: Some("Shanghai Genomics <Ltd> & Co".into()),
            interpreter: Some("Li Na".into()),
            video_link: Some("https://meet.example/r/17?a=1&b=2".into()),
        }
    }

    fn itinerary(locale: Locale) -> ItineraryView {
        ItineraryView {
            locale,
            recipient_name: "Anna Müller".into(),
            event_name: "Matchmaking Tour 2021".into(),
            items: vec![item()],
            personal_link: "https://matchtour.example/p/abc".into(),
            feed_url: "https://matchtour.example/feed/abc.ics".into(),
        }
    }

    #[test]
    fn every_template_compiles() {
        for (name, _) in TEMPLATES {
            assert!(environment().get_template(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn itinerary_lists_both_times_people_and_links_in_text() {
        let content = render_itinerary(&itinerary(Locale::En)).unwrap();
        assert_eq!(content.subject, "Your programme: Matchmaking Tour 2021");
        for expected in [
            "Hello Anna Müller,",
            "Mon 22 Mar, 09:00–09:30 CET (their time: 16:00–16:30 CST)",
            "Bilateral talk",
            "With: 张伟, Shanghai Genomics <Ltd> & Co",
            "Interpreter: Li Na",
            "Join: https://meet.example/r/17?a=1&b=2",
            "https://matchtour.example/p/abc",
            "https://matchtour.example/feed/abc.ics",
        ] {
            assert!(
                content.text.contains(expected),
                "{expected:?} in\n{}",
                content.text
            );
        }
    }

    #[test]
    fn html_is_escaped() {
        let mut view = itinerary(Locale::En);
        view.recipient_name = "<script>alert(1)</script>".into();
        view.items[0].video_link = Some("javascript:alert(1)".into());
        let content = render_itinerary(&view).unwrap();
        assert!(!content.html.contains("<script>"));
        assert!(content.html.contains("&lt;script&gt;"));
        assert!(content
            .html
            .contains("Shanghai Genomics &lt;Ltd&gt; &amp; Co"));
        assert!(!content.html.contains("javascript:"), "{}", content.html);
        // The plain text keeps the characters as they are.
        assert!(content.text.contains("<script>alert(1)</script>"));
    }

    #[test]
    fn itinerary_speaks_the_recipients_language() {
        let de = render_itinerary(&itinerary(Locale::De)).unwrap();
        assert_eq!(de.subject, "Ihr Programm: Matchmaking Tour 2021");
        assert!(de.text.contains("Ortszeit Gegenseite: 16:00–16:30 CST"));
        assert!(de.html.contains("lang=\"de\""));
        let zh = render_itinerary(&itinerary(Locale::Zh)).unwrap();
        assert_eq!(zh.subject, "您的日程：Matchmaking Tour 2021");
        assert!(zh.text.contains("Anna Müller，您好："));
        assert!(zh.text.contains("翻译：Li Na"));
    }

    #[test]
    fn an_empty_itinerary_says_so() {
        let mut view = itinerary(Locale::En);
        view.items.clear();
        let content = render_itinerary(&view).unwrap();
        assert!(content.text.contains("No sessions or meetings yet."));
        assert!(content.html.contains("No sessions or meetings yet."));
    }

    #[test]
    fn optional_fields_may_be_missing() {
        let mut view = itinerary(Locale::En);
        view.items[0] = ItineraryItem {
            when_counterpart: None,
            counterpart: None,
            organisation: None,
            interpreter: None,
            video_link: None,
            ..item()
        };
        let content = render_itinerary(&view).unwrap();
        assert!(!content.text.contains("their time"));
        assert!(!content.text.contains("Interpreter"));
    }

    fn notice(locale: Locale, kind: NoticeKind) -> MeetingNoticeView {
        MeetingNoticeView {
            locale,
            kind,
            recipient_name: "张伟".into(),
            event_name: "Collaboration Week".into(),
            title: "Bilateral talk with Anna Müller".into(),
            when_own: "Mon 22 Mar, 16:00–16:30 CST".into(),
            when_counterpart: Some("09:00–09:30 CET".into()),
            previous_when_own: Some("Mon 22 Mar, 17:00–17:30 CST".into()),
            counterpart: Some("Anna Müller".into()),
            organisation: Some("Charité".into()),
            interpreter: None,
            video_link: Some("https://meet.example/r/17".into()),
            personal_link: "https://matchtour.example/p/xyz".into(),
        }
    }

    #[test]
    fn notices_in_three_languages_and_three_kinds() {
        let cases = [
            (
                Locale::En,
                NoticeKind::New,
                "Invitation: Bilateral talk with Anna Müller",
            ),
            (
                Locale::De,
                NoticeKind::Changed,
                "Geändert: Bilateral talk with Anna Müller",
            ),
            (
                Locale::Zh,
                NoticeKind::Cancelled,
                "取消：Bilateral talk with Anna Müller",
            ),
        ];
        for (locale, kind, subject) in cases {
            let content = render_meeting_notice(&notice(locale, kind)).unwrap();
            assert_eq!(content.subject, subject);
            assert!(content.text.contains("Mon 22 Mar, 16:00–16:30 CST"));
            assert!(content.html.contains("Mon 22 Mar, 16:00–16:30 CST"));
        }
        let changed = render_meeting_notice(&notice(Locale::De, NoticeKind::Changed)).unwrap();
        assert!(changed.text.contains("Bisher: Mon 22 Mar, 17:00–17:30 CST"));
        let new = render_meeting_notice(&notice(Locale::En, NoticeKind::New)).unwrap();
        assert!(
            !new.text.contains("Previously"),
            "only a change shows the old time"
        );
        let cancelled = render_meeting_notice(&notice(Locale::Zh, NoticeKind::Cancelled)).unwrap();
        assert!(
            !cancelled.text.contains("加入会议"),
            "no join link for a cancelled meeting"
        );
    }
}
