DROP TABLE carousels;
DROP TABLE event_log;
DROP TABLE received_updates;
DROP TABLE user_settings;
DROP TABLE users;
