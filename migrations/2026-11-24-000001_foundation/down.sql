DROP TABLE login_throttle;
DROP TABLE signing_keys;
DROP TABLE refresh_tokens;
DROP TABLE users;
DROP TABLE outbox;
