DROP TABLE calendar_feeds;
DROP TABLE meeting_calendar;
DROP TABLE outbox_jobs;
