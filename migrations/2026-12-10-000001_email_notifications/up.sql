-- Notifications by email (work): whether each person wants each kind by email, the language
-- their emails are written in, and the outbox of emails to send. Work writes an email's row in
-- the transaction that notifies (or, for the overdue digest, in the scheduler's pass); its
-- sender writes the email in the person's language when it sends it, through the SMTP server
-- it is given, retrying with backoff.

ALTER TABLE notification_preferences ADD COLUMN email boolean NOT NULL DEFAULT true;

CREATE TABLE notification_languages (
    user_id uuid PRIMARY KEY REFERENCES users (id),
    language text NOT NULL CHECK (language IN ('en', 'fr'))
);

CREATE TABLE notification_emails (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    -- What the email is about, once: `<kind>:<order>` for one order, `overdue-digest:<local date>`
    -- for the daily digest. Heard twice, or written by two replicas, it is sent once.
    topic text NOT NULL CHECK (length(topic) BETWEEN 1 AND 200),
    kind text NOT NULL CHECK (kind IN ('assigned', 'due_soon', 'follow_up', 'overdue_digest')),
    -- The order it is about (none for a digest, which lists what is overdue when it is sent).
    work_order_id uuid REFERENCES work_orders (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    sent_at timestamptz,
    last_error text,
    UNIQUE (user_id, topic)
);
CREATE INDEX notification_emails_to_send ON notification_emails (next_attempt_at) WHERE sent_at IS NULL;

GRANT SELECT, INSERT, UPDATE, DELETE ON notification_languages, notification_emails TO gamme_work;
