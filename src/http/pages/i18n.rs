//! The words of the pages in English, German and Simplified Chinese.
//!
//! One table, so a missing translation is a compile-time shape error (three columns per key)
//! and a unit test checks that every key the templates use exists here.

use std::collections::BTreeMap;

use crate::tz::Locale;

/// (key, English, German, Chinese)
const WORDS: &[(&str, &str, &str, &str)] = &[
    ("app_name", "matchtour", "matchtour", "matchtour"),
    ("skip_to_content", "Skip to content", "Zum Inhalt springen", "跳到正文"),
    ("language", "Language", "Sprache", "语言"),
    ("nav_events", "Events", "Veranstaltungen", "活动"),
    ("nav_event", "Programme", "Programm", "日程"),
    ("nav_participants", "Participants", "Teilnehmende", "参会者"),
    ("nav_requests", "Requests", "Anfragen", "会面请求"),
    ("nav_schedule", "Schedule", "Zeitplan", "安排"),
    ("events_title", "Your events", "Ihre Veranstaltungen", "您的活动"),
    ("events_empty", "No events yet. Create the first one below.", "Noch keine Veranstaltungen. Legen Sie unten die erste an.", "还没有活动。请在下方创建第一个。"),
    ("new_event", "New event", "Neue Veranstaltung", "新建活动"),
    ("name", "Name", "Name", "名称"),
    ("kind", "Kind", "Art", "类型"),
    ("time_zone", "Time zone", "Zeitzone", "时区"),
    ("time_zone_hint", "IANA name, e.g. Europe/Berlin or Asia/Shanghai", "IANA-Name, z. B. Europe/Berlin oder Asia/Shanghai", "IANA 名称，例如 Europe/Berlin 或 Asia/Shanghai"),
    ("start_date", "First day", "Erster Tag", "开始日期"),
    ("end_date", "Last day", "Letzter Tag", "结束日期"),
    ("rooms", "Rooms (empty: unlimited)", "Räume (leer: unbegrenzt)", "会议室数量（留空：不限）"),
    ("allow_self_booking", "Participants may book open slots themselves", "Teilnehmende dürfen freie Termine selbst buchen", "允许参会者自行预约空闲时段"),
    ("create", "Create", "Anlegen", "创建"),
    ("status", "Status", "Status", "状态"),
    ("dates", "Dates", "Daten", "日期"),
    ("open", "Open", "Öffnen", "打开"),
    ("kind_matchmaking_tour", "Matchmaking tour", "Matchmaking-Reise", "对接考察"),
    ("kind_collaboration_week", "Collaboration week", "Kooperationswoche", "合作周"),
    ("kind_online_event", "Online event", "Online-Veranstaltung", "线上活动"),
    ("kind_forum", "Forum", "Forum", "论坛"),
    ("days", "Days", "Tage", "日程天数"),
    ("sessions", "Sessions", "Programmpunkte", "会议议程"),
    ("no_sessions", "No sessions yet.", "Noch keine Programmpunkte.", "尚无议程。"),
    ("windows", "Bilateral windows", "Zeitfenster für Einzelgespräche", "双边会谈时段"),
    ("no_windows", "No bilateral windows yet: add one so meetings can be planned.", "Noch keine Zeitfenster: Legen Sie eines an, damit Gespräche geplant werden können.", "尚无双边会谈时段：请添加，以便安排会面。"),
    ("add_window", "Add a bilateral window", "Zeitfenster hinzufügen", "添加双边会谈时段"),
    ("date", "Date", "Datum", "日期"),
    ("from", "From", "Von", "从"),
    ("to", "To", "Bis", "到"),
    ("slot_minutes", "Minutes per slot", "Minuten je Termin", "每时段分钟数"),
    ("slots", "slots", "Termine", "个时段"),
    ("add", "Add", "Hinzufügen", "添加"),
    ("golden_hours", "Golden hours", "Goldene Stunden", "黄金时段"),
    ("golden_hours_hint", "Golden hours: times when at least 80% of all participants are within their comfort hours (08:00–18:00 in their own zone if they gave none); the numbers show how many of each side.", "Goldene Stunden: Zeiten, in denen mindestens 80 % aller Teilnehmenden in ihren bevorzugten Stunden sind (08:00–18:00 in ihrer Zeitzone, wenn sie keine angegeben haben); die Zahlen zeigen, wie viele je Seite.", "黄金时段：至少 80% 的参会者处于舒适时段的时间（未填写者按其所在时区 08:00–18:00 计）；数字表示各方的人数。"),
    ("edit_profile", "Change your zone, languages and hours", "Zeitzone, Sprachen und Zeiten ändern", "修改时区、语言和时间"),
    ("save", "Save", "Speichern", "保存"),
    ("signin_title", "Sign in", "Anmelden", "登录"),
    ("signin_intro", "Organisers sign in with their e-mail address and password.", "Veranstaltende melden sich mit E-Mail-Adresse und Passwort an.", "组织者请使用电子邮件地址和密码登录。"),
    ("signin_email", "E-mail address", "E-Mail-Adresse", "电子邮件地址"),
    ("signin_password", "Password", "Passwort", "密码"),
    ("signin_submit", "Sign in", "Anmelden", "登录"),
    ("signin_failed", "That e-mail address and password do not match.", "E-Mail-Adresse und Passwort passen nicht zusammen.", "电子邮件地址与密码不匹配。"),
    ("profile_saved", "Your profile was saved.", "Ihr Profil wurde gespeichert.", "个人资料已保存。"),
    ("available_from", "Available from (your time)", "Verfügbar ab (Ihre Zeit)", "可参会开始时间（您的时间）"),
    ("available_to", "Available until (your time)", "Verfügbar bis (Ihre Zeit)", "可参会结束时间（您的时间）"),
    ("comfort_from", "Comfortable from", "Angenehm ab", "舒适时段开始"),
    ("comfort_to", "Comfortable until", "Angenehm bis", "舒适时段结束"),
    ("languages_hint", "Language codes separated by spaces, e.g. zh en", "Sprachcodes mit Leerzeichen getrennt, z. B. de en", "以空格分隔的语言代码，例如 zh en"),
    ("hours_hint", "Leave both empty for any time.", "Beide leer lassen für jederzeit.", "两项都留空表示任何时间。"),
    ("hello_sep", ", ", ", ", "，"),
    ("your_requests", "Your requests", "Ihre Anfragen", "您发出的请求"),
    ("golden_none", "No golden hours: no participant has comfort hours yet, or they do not overlap.", "Keine goldenen Stunden: Noch niemand hat bevorzugte Zeiten angegeben, oder sie überschneiden sich nicht.", "无黄金时段：尚无参会者填写舒适时段，或时段没有重叠。"),
    ("comfortable", "comfortable", "im Wohlfühlbereich", "处于舒适时段"),
    ("participants_title", "Participants", "Teilnehmende", "参会者"),
    ("participants_empty", "No participants yet. Import them from a spreadsheet below.", "Noch keine Teilnehmenden. Importieren Sie sie unten aus einer Tabelle.", "尚无参会者。请在下方从表格导入。"),
    ("organisation", "Organisation", "Organisation", "机构"),
    ("side", "Side", "Seite", "方"),
    ("languages", "Languages", "Sprachen", "语言"),
    ("personal_page", "Personal page", "Persönliche Seite", "个人页面"),
    ("import_participants", "Import participants (CSV)", "Teilnehmende importieren (CSV)", "导入参会者（CSV）"),
    ("import_participants_hint", "Columns: name, email, time_zone; optional organisation, side, country, languages, available_from, available_to, comfort_from, comfort_to, max_meetings, locale, group.", "Spalten: name, email, time_zone; optional organisation, side, country, languages, available_from, available_to, comfort_from, comfort_to, max_meetings, locale, group.", "列：name、email、time_zone；可选 organisation、side、country、languages、available_from、available_to、comfort_from、comfort_to、max_meetings、locale、group。"),
    ("import_requests", "Import requests (CSV)", "Anfragen importieren (CSV)", "导入会面请求（CSV）"),
    ("import_requests_hint", "Columns: from, to (e-mail, group or organisation); optional priority, message, length_slots.", "Spalten: from, to (E-Mail, Gruppe oder Organisation); optional priority, message, length_slots.", "列：from、to（邮箱、小组或机构）；可选 priority、message、length_slots。"),
    ("csv_file", "CSV file", "CSV-Datei", "CSV 文件"),
    ("csv_text", "CSV text (or choose a file above)", "CSV-Text (oder oben eine Datei wählen)", "CSV 文本（或在上方选择文件）"),
    ("import", "Import", "Importieren", "导入"),
    ("imported", "Imported rows", "Importierte Zeilen", "已导入行数"),
    ("requests_title", "Meeting requests", "Gesprächsanfragen", "会面请求"),
    ("requests_empty", "No requests yet.", "Noch keine Anfragen.", "尚无会面请求。"),
    ("requester", "From", "Von", "发起方"),
    ("target", "To", "An", "对象"),
    ("priority", "Priority", "Priorität", "优先级"),
    ("message", "Message", "Nachricht", "留言"),
    ("req_requested", "requested", "angefragt", "已请求"),
    ("req_accepted", "accepted", "angenommen", "已接受"),
    ("req_declined", "declined", "abgelehnt", "已拒绝"),
    ("req_cancelled", "cancelled", "storniert", "已取消"),
    ("req_expired", "expired", "abgelaufen", "已过期"),
    ("count_by_status", "By status", "Nach Status", "按状态"),
    ("schedule_title", "Schedule", "Zeitplan", "会面安排"),
    ("run_solver", "Run solver", "Planung starten", "运行排程"),
    ("solver_busy", "Planning… this can take a few seconds.", "Plane … das kann einige Sekunden dauern.", "正在排程……可能需要几秒钟。"),
    ("solver_hint", "Creates a new draft version from the accepted and open requests. Nothing is sent before you publish.", "Erstellt einen neuen Entwurf aus angenommenen und offenen Anfragen. Erst beim Veröffentlichen wird etwas verschickt.", "根据已接受和待处理的请求生成新的草稿版本。发布前不会发送任何内容。"),
    ("versions", "Versions", "Versionen", "版本"),
    ("version", "Version", "Version", "版本"),
    ("no_versions", "No schedule yet. Run the solver to create a draft.", "Noch kein Zeitplan. Starten Sie die Planung, um einen Entwurf zu erstellen.", "尚无安排。请运行排程生成草稿。"),
    ("ver_draft", "draft", "Entwurf", "草稿"),
    ("ver_published", "published", "veröffentlicht", "已发布"),
    ("ver_superseded", "superseded", "ersetzt", "已被替换"),
    ("publish", "Publish this version", "Diese Version veröffentlichen", "发布此版本"),
    ("published_ok", "The schedule is published.", "Der Zeitplan ist veröffentlicht.", "安排已发布。"),
    ("solved_ok", "The solver created a new draft.", "Die Planung hat einen neuen Entwurf erstellt.", "排程已生成新草稿。"),
    ("grid", "Grid", "Raster", "时间表"),
    ("grid_hint", "Each meeting shows the row participant's time first, then the counterpart's.", "Jedes Gespräch zeigt zuerst die Zeit der Person in der Zeile, dann die des Gegenübers.", "每个会面先显示该行参会者的时间，再显示对方的时间。"),
    ("participant", "Participant", "Teilnehmende Person", "参会者"),
    ("free", "free", "frei", "空闲"),
    ("pinned", "pinned", "fixiert", "已固定"),
    ("unscheduled", "Meetings that did not fit", "Nicht eingeplante Gespräche", "未能安排的会面"),
    ("unscheduled_none", "Every requested meeting found a slot.", "Jedes angefragte Gespräch hat einen Termin.", "所有请求的会面都已安排。"),
    ("reason", "Reason", "Grund", "原因"),
    ("move_title", "Move or pin a meeting", "Gespräch verschieben oder fixieren", "移动或固定会面"),
    ("meeting", "Meeting", "Gespräch", "会面"),
    ("new_slot", "New slot", "Neuer Termin", "新时段"),
    ("pin_it", "Pin it (the solver keeps it there)", "Fixieren (die Planung lässt es dort)", "固定（排程时保持不变）"),
    ("move", "Move", "Verschieben", "移动"),
    ("moved_ok", "The meeting was moved.", "Das Gespräch wurde verschoben.", "会面已移动。"),
    ("check_ok", "This slot works for everyone.", "Dieser Termin passt für alle.", "该时段所有人都可以。"),
    ("checking", "Checking…", "Prüfe …", "正在检查……"),
    ("stats", "Statistics", "Statistik", "统计"),
    ("meetings", "Meetings", "Gespräche", "会面"),
    ("meetings_per_participant", "Meetings per participant", "Gespräche je Person", "每位参会者的会面数"),
    ("requests_honoured", "Requests honoured", "Erfüllte Anfragen", "已满足的请求"),
    ("balance", "Balance between the sides", "Ausgewogenheit zwischen den Seiten", "双方平衡"),
    ("average", "Average", "Durchschnitt", "平均"),
    ("export_csv", "Download as CSV", "Als CSV herunterladen", "下载 CSV"),
    ("profile", "Your profile", "Ihr Profil", "个人资料"),
    ("hello", "Welcome", "Willkommen", "欢迎"),
    ("availability", "Availability", "Verfügbarkeit", "可参会时间"),
    ("any_time", "Any time during the bilateral windows", "Jederzeit in den Zeitfenstern", "双边会谈时段内任何时间"),
    ("comfort_hours", "Comfort hours", "Bevorzugte Zeiten", "舒适时段"),
    ("your_time", "your time", "Ihre Zeit", "您的时间"),
    ("directory", "Directory", "Verzeichnis", "名录"),
    ("directory_empty", "Nobody else has joined yet.", "Noch niemand sonst dabei.", "暂无其他参会者。"),
    ("request_meeting", "Request a meeting", "Gespräch anfragen", "请求会面"),
    ("already_requested", "Request sent", "Anfrage gesendet", "已发送请求"),
    ("request_sent", "Your request was sent.", "Ihre Anfrage wurde gesendet.", "您的请求已发送。"),
    ("incoming", "Requests for you", "Anfragen an Sie", "收到的请求"),
    ("incoming_none", "No open requests for you.", "Keine offenen Anfragen an Sie.", "没有待处理的请求。"),
    ("accept", "Accept", "Annehmen", "接受"),
    ("decline", "Decline", "Ablehnen", "拒绝"),
    ("answered", "Your answer was saved.", "Ihre Antwort wurde gespeichert.", "您的回复已保存。"),
    ("open_slots", "Book an open slot", "Freien Termin buchen", "预约空闲时段"),
    ("open_slots_hint", "Slots where you and the other person are both free. Times: yours · theirs.", "Termine, an denen Sie und Ihr Gegenüber frei sind. Zeiten: Ihre · deren.", "您和对方都空闲的时段。时间：您的 · 对方的。"),
    ("open_slots_none", "No open slots to book right now.", "Zurzeit keine freien Termine.", "目前没有可预约的时段。"),
    ("self_booking_off", "The organiser plans the meetings for this event.", "Die Organisatoren planen die Gespräche dieser Veranstaltung.", "本活动的会面由组织方安排。"),
    ("not_published", "The schedule is not published yet.", "Der Zeitplan ist noch nicht veröffentlicht.", "安排尚未发布。"),
    ("book", "Book", "Buchen", "预约"),
    ("booked_ok", "Booked. The meeting is in your itinerary.", "Gebucht. Das Gespräch steht in Ihrem Reiseplan.", "预约成功，会面已加入您的行程。"),
    ("with", "with", "mit", "与"),
    ("itinerary", "Your itinerary", "Ihr Reiseplan", "您的行程"),
    ("itinerary_hint", "Times in your zone first, then in the other person's zone.", "Zeiten zuerst in Ihrer Zeitzone, dann in der des Gegenübers.", "先显示您所在时区的时间，再显示对方时区的时间。"),
    ("itinerary_empty", "No meetings in your itinerary yet.", "Noch keine Gespräche in Ihrem Reiseplan.", "您的行程中暂无会面。"),
    ("download_ics", "Add to calendar (.ics)", "Zum Kalender hinzufügen (.ics)", "添加到日历（.ics）"),
    ("err_invalid", "Please check your input:", "Bitte prüfen Sie Ihre Eingaben:", "请检查您的输入："),
    ("err_slot_taken", "Sorry, that slot was just taken: someone in this meeting already has a meeting then. Please pick another slot.", "Leider ist dieser Termin gerade vergeben worden: Jemand in diesem Gespräch hat dann schon ein Gespräch. Bitte wählen Sie einen anderen Termin.", "抱歉，该时段刚刚被占用：此会面中有人在该时段已有其他会面。请选择其他时段。"),
    ("err_person_busy", "Someone in this meeting already has a meeting then.", "Jemand in diesem Gespräch hat dann schon ein Gespräch.", "此会面中有人在该时段已有其他会面。"),
    ("err_rooms_full", "Every room is taken in that slot. Please pick another slot.", "In diesem Termin sind alle Räume belegt. Bitte wählen Sie einen anderen.", "该时段所有会议室已满。请选择其他时段。"),
    ("err_not_found", "This page does not exist (or no longer does).", "Diese Seite gibt es nicht (mehr).", "该页面不存在（或已删除）。"),
    ("err_internal", "Something went wrong on our side. It has been logged; please try again.", "Bei uns ist etwas schiefgelaufen. Es wurde protokolliert; bitte versuchen Sie es erneut.", "我们这边出了点问题，已记录。请重试。"),
    ("err_conflict", "This cannot be done right now:", "Das geht gerade nicht:", "目前无法执行："),
    ("back_to_events", "Back to the events", "Zurück zu den Veranstaltungen", "返回活动列表"),
    ("error_title", "Something is not right", "Etwas stimmt nicht", "出现问题"),
    // The event builder.
    ("delete", "Delete", "Löschen", "删除"),
    ("add_session", "Add a session", "Programmpunkt hinzufügen", "添加议程"),
    ("title", "Title", "Titel", "标题"),
    ("theme", "Theme (optional)", "Thema (optional)", "主题（可选）"),
    ("host_organisation", "Host organisation", "Gastgebende Organisation", "主办机构"),
    ("video_link", "Video link (optional)", "Videolink (optional)", "视频链接（可选）"),
    ("capacity", "Capacity (empty: no limit)", "Plätze (leer: unbegrenzt)", "容量（留空：不限）"),
    ("rooms_title", "Meeting rooms", "Besprechungsräume", "会议室"),
    ("rooms_hint", "How many bilateral meetings can take place at the same time.", "Wie viele Einzelgespräche gleichzeitig stattfinden können.", "可同时进行的双边会谈数量。"),
    ("interpreters", "Interpreters", "Dolmetschende", "翻译"),
    ("no_interpreters", "No interpreters yet.", "Noch keine Dolmetschenden.", "尚无翻译。"),
    ("add_interpreter", "Add an interpreter", "Dolmetscher·in hinzufügen", "添加翻译"),
    ("optional", "(optional)", "(optional)", "（可选）"),
    ("languages_codes", "Languages (codes such as de zh en)", "Sprachen (Kürzel wie de zh en)", "语言（代码，例如 de zh en）"),
    ("interp_from", "Available daily from (their time; empty: always)", "Täglich verfügbar ab (ihre Zeit; leer: immer)", "每日可工作开始时间（其本地时间；留空：全天）"),
    ("interp_to", "Available daily until (their time)", "Täglich verfügbar bis (ihre Zeit)", "每日可工作结束时间（其本地时间）"),
    ("always_available", "always available", "immer verfügbar", "全天可用"),
    ("saved", "Saved.", "Gespeichert.", "已保存。"),
    ("session_kind_plenary", "Plenary", "Plenum", "全体会议"),
    ("session_kind_presentation", "Presentation", "Präsentation", "演讲"),
    ("session_kind_showcase", "Showcase", "Showcase", "展示"),
    ("session_kind_company_visit", "Company visit", "Firmenbesuch", "企业参观"),
    ("session_kind_roundtable", "Round table", "Runder Tisch", "圆桌会议"),
    ("session_kind_investor_meeting", "Investor meeting", "Investorentreffen", "投资人会议"),
    ("session_kind_break", "Break", "Pause", "休息"),
    ("err_field", "Please check this field", "Bitte prüfen Sie dieses Feld", "请检查此项"),
    ("err_time_gap", "This time does not exist on that day: the clocks skip it for daylight saving time (Sommerzeit). Please choose another time.", "Diese Uhrzeit gibt es an dem Tag nicht: Die Uhren springen wegen der Sommerzeit darüber. Bitte wählen Sie eine andere.", "该时间在当天不存在：夏令时调整时钟会跳过这一时段。请选择其他时间。"),
    ("err_end_before_start", "The end must be after the start.", "Das Ende muss nach dem Beginn liegen.", "结束时间必须晚于开始时间。"),
    ("err_time_format", "Enter a time such as 09:30.", "Geben Sie eine Uhrzeit wie 09:30 ein.", "请输入时间，例如 09:30。"),
    ("err_language_code", "Unknown language: use language codes of two or three letters, such as de, en, zh.", "Unbekannte Sprache: Verwenden Sie Sprachkürzel aus zwei oder drei Buchstaben wie de, en, zh.", "未知语言：请使用两到三个字母的语言代码，例如 de、en、zh。"),
    ("err_two_languages", "An interpreter speaks at least two languages.", "Dolmetschende sprechen mindestens zwei Sprachen.", "翻译至少需掌握两种语言。"),
    ("err_time_zone", "Unknown time zone: use an IANA name such as Europe/Berlin or Asia/Shanghai.", "Unbekannte Zeitzone: Verwenden Sie einen IANA-Namen wie Europe/Berlin oder Asia/Shanghai.", "未知时区：请使用 IANA 名称，例如 Europe/Berlin 或 Asia/Shanghai。"),
    ("err_video_link", "Enter a web address starting with https://.", "Geben Sie eine Webadresse ein, die mit https:// beginnt.", "请输入以 https:// 开头的网址。"),
    ("err_at_least_one", "Enter a number of at least 1.", "Geben Sie eine Zahl ab 1 ein.", "请输入不小于 1 的数字。"),
    ("err_whole_number", "Enter a whole number.", "Geben Sie eine ganze Zahl ein.", "请输入整数。"),
    ("err_required", "Please fill in this field.", "Bitte füllen Sie dieses Feld aus.", "请填写此项。"),
    ("err_not_event_day", "Choose a day of the event.", "Wählen Sie einen Tag der Veranstaltung.", "请选择活动日期内的一天。"),
    ("err_date_format", "Enter a date such as 2026-03-22.", "Geben Sie ein Datum wie 2026-03-22 ein.", "请输入日期，例如 2026-03-22。"),
    ("err_same_start_end", "Start and end must differ.", "Beginn und Ende müssen verschieden sein.", "开始与结束时间不能相同。"),
    // Solver progress.
    ("solver_running", "The solver is working…", "Die Planung läuft …", "正在排程……"),
    ("solver_time", "Time", "Zeit", "用时"),
    ("solver_iterations", "Iterations", "Iterationen", "迭代次数"),
    ("solver_score", "Current score", "Aktuelle Bewertung", "当前得分"),
    ("solver_reloads", "This page reloads itself until the draft is ready.", "Diese Seite lädt sich neu, bis der Entwurf fertig ist.", "本页面会自动刷新，直到草稿生成。"),
    ("reason_no_common_slot", "No common free slot", "Kein gemeinsamer freier Termin", "没有共同的空闲时段"),
    ("reason_no_interpreter_for_languages", "No shared language and no interpreter for it", "Keine gemeinsame Sprache und kein passender Dolmetscher", "没有共同语言，也没有相应的翻译"),
    ("reason_fixed_start_blocked", "Its fixed time is blocked", "Die feste Zeit ist blockiert", "固定时间已被占用"),
    ("reason_at_max_meetings", "Someone has reached their maximum number of meetings", "Jemand hat die Höchstzahl an Gesprächen erreicht", "有人已达到会面数量上限"),
    ("reason_fully_booked", "Someone is fully booked", "Jemand ist ausgebucht", "有人已约满"),
    ("reason_rooms_full", "All rooms are taken", "Alle Räume sind belegt", "会议室已满"),
    ("reason_no_interpreter_free", "No interpreter is free then", "Kein Dolmetscher ist dann frei", "届时没有空闲的翻译"),
    ("reason_booked", "The slots are taken by other meetings", "Die Termine sind durch andere Gespräche belegt", "时段已被其他会面占用"),
    ("reason_not_worth_it", "Left out in favour of higher-priority meetings", "Zugunsten wichtigerer Gespräche ausgelassen", "为优先级更高的会面让路"),
];

/// The words of one language, for the templates (`tr.key`).
pub fn words(locale: Locale) -> BTreeMap<&'static str, &'static str> {
    WORDS
        .iter()
        .map(|(key, en, de, zh)| {
            let text = match locale {
                Locale::En => en,
                Locale::De => de,
                Locale::Zh => zh,
            };
            (*key, *text)
        })
        .collect()
}

/// One word, or the key itself when missing (tests make sure none is).
pub fn word(locale: Locale, key: &str) -> &'static str {
    WORDS
        .iter()
        .find(|(k, ..)| *k == key)
        .map(|(_, en, de, zh)| match locale {
            Locale::En => *en,
            Locale::De => *de,
            Locale::Zh => *zh,
        })
        .unwrap_or("?")
}

#[cfg(test)]
pub(crate) fn keys() -> impl Iterator<Item = &'static str> {
    WORDS.iter().map(|(k, ..)| *k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_unique_and_translated() {
        let mut seen = std::collections::BTreeSet::new();
        for (key, en, de, zh) in WORDS {
            assert!(seen.insert(*key), "duplicate key {key}");
            assert!(
                !en.is_empty() && !de.is_empty() && !zh.is_empty(),
                "{key} lacks a translation"
            );
        }
        assert_eq!(word(Locale::De, "publish"), "Diese Version veröffentlichen");
        assert_eq!(words(Locale::Zh)["book"], "预约");
    }
}
