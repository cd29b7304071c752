-- In-app notifications of the work service: what a person hears of the orders that concern
-- them (assigned to them or their team, falling due, overdue, follow-ups of runs), and which
-- of these each person wants. Written by work in the transaction that publishes the event.

CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id),
    kind text NOT NULL CHECK (kind IN ('assigned', 'due_soon', 'overdue', 'follow_up')),
    work_order_id uuid NOT NULL REFERENCES work_orders (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz,
    -- One of each kind per order and person: an event heard twice notifies once.
    UNIQUE (user_id, work_order_id, kind)
);
CREATE INDEX notifications_unread ON notifications (user_id, created_at DESC) WHERE read_at IS NULL;
CREATE INDEX notifications_by_user ON notifications (user_id, created_at DESC);

-- A row only where a person turned a kind off (or on again): everything is on by default.
CREATE TABLE notification_preferences (
    user_id uuid NOT NULL REFERENCES users (id),
    kind text NOT NULL CHECK (kind IN ('assigned', 'due_soon', 'overdue', 'follow_up')),
    in_app boolean NOT NULL,
    PRIMARY KEY (user_id, kind)
);

GRANT SELECT, INSERT, UPDATE, DELETE ON notifications, notification_preferences TO gamme_work;
