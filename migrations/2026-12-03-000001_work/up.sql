-- work: teams, maintenance plans (time- and meter-based), work orders with their comments and
-- history, meters and readings, and the settings work keeps per site and per procedure. Plus
-- the column procedures records a run's work order in, and the views the two services read of
-- each other's tables.

-- Teams are work's: they exist for assignment and notifications. Auth stays the small security
-- boundary (identity, credentials, roles).
CREATE TABLE teams (
    id UUID PRIMARY KEY,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Names are unique whatever their case: "Mécanique" and "mécanique" are one team.
CREATE UNIQUE INDEX teams_name ON teams (lower(name));

CREATE TABLE team_members (
    team_id UUID NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id UUID NOT NULL REFERENCES users (id),
    added_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

-- The team that looks after an asset; an asset without one inherits its parent's (an equipment
-- its area's, then its site's).
CREATE TABLE asset_teams (
    asset_id UUID PRIMARY KEY REFERENCES assets (id),
    team_id UUID NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A site's IANA time zone: plans fall due at a local time of day there. Without a row, the
-- service's default (GAMME_TIME_ZONE).
CREATE TABLE site_settings (
    site_id UUID PRIMARY KEY REFERENCES assets (id),
    time_zone TEXT NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- What a completed run of a procedure with a failed check or an out-of-limit reading gives:
-- a proposed corrective order (the default without a row), an open one, or nothing.
CREATE TABLE procedure_settings (
    procedure_id UUID PRIMARY KEY REFERENCES procedures (id),
    follow_up TEXT NOT NULL CHECK (follow_up IN ('propose', 'create', 'off')),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE meters (
    id UUID PRIMARY KEY,
    asset_id UUID NOT NULL REFERENCES assets (id),
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    unit TEXT NOT NULL CHECK (length(unit) BETWEEN 1 AND 20),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (asset_id, name)
);

-- Readings entered by hand, or taken from a run's number step (a meter source); a run's step
-- gives one reading however often its event is delivered.
CREATE TABLE meter_readings (
    id UUID PRIMARY KEY,
    meter_id UUID NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
    value DOUBLE PRECISION NOT NULL CHECK (value >= 0 AND value < 'Infinity'),
    taken_at TIMESTAMPTZ NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('manual', 'run')),
    run_id UUID REFERENCES runs (id),
    step_id UUID REFERENCES steps (id),
    recorded_by UUID REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((source = 'run') = (run_id IS NOT NULL AND step_id IS NOT NULL)),
    UNIQUE (meter_id, run_id, step_id)
);
CREATE INDEX meter_readings_meter ON meter_readings (meter_id, taken_at DESC, id DESC);

-- A procedure's number step whose value is this meter's reading; `step_key` follows the step
-- across revisions.
CREATE TABLE meter_sources (
    meter_id UUID NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
    procedure_id UUID NOT NULL REFERENCES procedures (id),
    step_key UUID NOT NULL,
    PRIMARY KEY (meter_id, procedure_id, step_key)
);
CREATE INDEX meter_sources_procedure ON meter_sources (procedure_id);

-- Preventive maintenance: an asset's procedure every N days, weeks, months or years (fixed on
-- the calendar from `anchor_date`, or floating N after the last completion), or every N units
-- of a meter. `next_occurrence` is the number of the next order the plan makes: fixed, k-th
-- date from the anchor; floating, the cycle; meter, the threshold index (base + k × N).
CREATE TABLE plans (
    id UUID PRIMARY KEY,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description TEXT NOT NULL DEFAULT '',
    asset_id UUID NOT NULL REFERENCES assets (id),
    procedure_id UUID NOT NULL REFERENCES procedures (id),
    team_id UUID REFERENCES teams (id) ON DELETE SET NULL,
    assignee_id UUID REFERENCES users (id),
    priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    trigger TEXT NOT NULL CHECK (trigger IN ('time', 'meter')),
    status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
    interval_count INTEGER NOT NULL CHECK (interval_count BETWEEN 1 AND 1000),
    interval_unit TEXT CHECK (interval_unit IN ('day', 'week', 'month', 'year')),
    schedule TEXT CHECK (schedule IN ('fixed', 'floating')),
    -- time plans: the first due date, and the local time of day orders fall due
    anchor_date DATE,
    due_time TIME NOT NULL DEFAULT '08:00',
    -- the order appears this many days before it is due
    lead_days INTEGER NOT NULL DEFAULT 0 CHECK (lead_days BETWEEN 0 AND 365),
    -- floating plans: the local date the next order falls due
    next_due_date DATE,
    -- meter plans: the meter, its units per order and the reading thresholds count from
    meter_id UUID REFERENCES meters (id),
    meter_interval DOUBLE PRECISION CHECK (meter_interval > 0),
    meter_base DOUBLE PRECISION,
    next_occurrence INTEGER NOT NULL DEFAULT 0 CHECK (next_occurrence >= 0),
    created_by UUID NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((trigger = 'time') = (interval_unit IS NOT NULL AND schedule IS NOT NULL AND anchor_date IS NOT NULL)),
    CHECK ((trigger = 'meter') = (meter_id IS NOT NULL AND meter_interval IS NOT NULL AND meter_base IS NOT NULL)),
    CHECK ((schedule = 'floating') = (next_due_date IS NOT NULL))
);
CREATE INDEX plans_asset ON plans (asset_id);
CREATE INDEX plans_due ON plans (trigger, status);
CREATE INDEX plans_meter ON plans (meter_id) WHERE meter_id IS NOT NULL;

CREATE TABLE work_orders (
    id UUID PRIMARY KEY,
    -- what people say and print: WO-42
    number BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    title TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('preventive', 'corrective')),
    source TEXT NOT NULL CHECK (source IN ('manual', 'plan', 'follow_up')),
    asset_id UUID NOT NULL REFERENCES assets (id),
    -- the asset's site when the order was made: its time zone, boards and compliance
    site_id UUID NOT NULL REFERENCES assets (id),
    procedure_id UUID REFERENCES procedures (id),
    priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status TEXT NOT NULL CHECK (status IN ('proposed', 'open', 'in_progress', 'done', 'cancelled')),
    due_at TIMESTAMPTZ,
    assignee_id UUID REFERENCES users (id),
    team_id UUID REFERENCES teams (id) ON DELETE SET NULL,
    -- made by a plan: one order per occurrence, whatever the replicas and restarts
    plan_id UUID REFERENCES plans (id),
    plan_occurrence INTEGER,
    -- made from a run: one follow-up per run and step
    source_run_id UUID REFERENCES runs (id),
    source_step_id UUID REFERENCES steps (id),
    source_reason TEXT CHECK (source_reason IN ('failed', 'out_of_limit')),
    source_value JSONB,
    source_note TEXT,
    -- the run doing this order (the latest one started)
    run_id UUID REFERENCES runs (id),
    created_by UUID REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    completed_by UUID REFERENCES users (id),
    completion_note TEXT,
    cancelled_at TIMESTAMPTZ,
    cancel_reason TEXT,
    UNIQUE (plan_id, plan_occurrence),
    UNIQUE (source_run_id, source_step_id),
    CHECK ((plan_id IS NULL) = (plan_occurrence IS NULL)),
    CHECK ((source = 'plan') = (plan_id IS NOT NULL)),
    CHECK ((source = 'follow_up') = (source_run_id IS NOT NULL AND source_step_id IS NOT NULL)),
    CHECK ((status = 'done') = (completed_at IS NOT NULL)),
    CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL))
);
CREATE INDEX work_orders_assignee ON work_orders (assignee_id, status);
CREATE INDEX work_orders_team ON work_orders (team_id, status);
CREATE INDEX work_orders_site ON work_orders (site_id, due_at);
CREATE INDEX work_orders_asset ON work_orders (asset_id, status);
CREATE INDEX work_orders_due ON work_orders (due_at, id);
CREATE INDEX work_orders_run ON work_orders (run_id) WHERE run_id IS NOT NULL;

-- When `work_order.due` (a day before) and `work_order.overdue` were announced for an order:
-- once each per due date (a new due date clears them).
CREATE TABLE work_order_signals (
    work_order_id UUID NOT NULL REFERENCES work_orders (id),
    signal TEXT NOT NULL CHECK (signal IN ('due', 'overdue')),
    signalled_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (work_order_id, signal)
);

CREATE TABLE work_order_comments (
    id UUID PRIMARY KEY,
    work_order_id UUID NOT NULL REFERENCES work_orders (id),
    author_id UUID NOT NULL REFERENCES users (id),
    body TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    photo_ids UUID[] NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX work_order_comments_order ON work_order_comments (work_order_id, created_at);

-- Every change of an order: who (none for the scheduler and the run events' own changes), when,
-- what, from and to.
CREATE TABLE work_order_history (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    work_order_id UUID NOT NULL REFERENCES work_orders (id),
    actor_id UUID REFERENCES users (id),
    at TIMESTAMPTZ NOT NULL DEFAULT now(),
    change TEXT NOT NULL CHECK (change IN ('created', 'status', 'assignee', 'team', 'due_at', 'priority', 'title')),
    from_value TEXT,
    to_value TEXT,
    note TEXT
);
CREATE INDEX work_order_history_order ON work_order_history (work_order_id, id);

-- procedures: the work order a run carries out (procedures writes it when it starts the run).
ALTER TABLE runs ADD COLUMN work_order_id UUID REFERENCES work_orders (id);
CREATE INDEX runs_work_order ON runs (work_order_id) WHERE work_order_id IS NOT NULL;

-- work's view for procedures: the orders a run may be started for now (open or in progress,
-- with a procedure), and who may start one besides editors and admins: its assignee and the
-- members of its team (`runner_id` is NULL for an order with neither).
CREATE VIEW work_order_starts AS
    SELECT o.id AS work_order_id, o.procedure_id, o.asset_id, r.runner_id
    FROM work_orders o
    LEFT JOIN LATERAL (
        SELECT o.assignee_id AS runner_id WHERE o.assignee_id IS NOT NULL
        UNION
        SELECT m.user_id FROM team_members m WHERE m.team_id = o.team_id
    ) r ON true
    WHERE o.status IN ('open', 'in_progress') AND o.procedure_id IS NOT NULL;

-- files' view (made here, owned by files): who uploaded a file, so a service can check that the
-- photos a person attaches are theirs without reading the files table itself.
CREATE VIEW file_uploads AS
    SELECT id AS file_id, uploader_id, media_type, created_at FROM files;
