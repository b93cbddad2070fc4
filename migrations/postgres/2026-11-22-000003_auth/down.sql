DROP TABLE participant_links;
DROP INDEX events_organiser;
ALTER TABLE events DROP COLUMN organiser_id;
DROP TABLE api_tokens;
DROP TABLE organiser_sessions;
DROP TABLE organisers;
