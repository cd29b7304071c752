-- Foundation: the outbox every publisher shares, and the auth service's tables.

-- Transactional outbox: a row commits with the change it announces; the relay publishes it
-- to RabbitMQ with publisher confirms and stamps published_at.
CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    message_id UUID NOT NULL UNIQUE,
    -- logical destination: 'events' (topic exchange) or 'ai_jobs' (job queue)
    destination TEXT NOT NULL CHECK (destination IN ('events', 'ai_jobs')),
    routing_key TEXT NOT NULL,
    message_type TEXT NOT NULL,
    correlation_id TEXT,
    body JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts INTEGER NOT NULL DEFAULT 0,
    -- a relay leases rows while it publishes them; an expired lease is picked up again
    claimed_until TIMESTAMPTZ,
    last_error TEXT,
    published_at TIMESTAMPTZ
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- auth: users. Emails are stored lower-cased, so the unique index makes them
-- case-insensitively unique.
CREATE TABLE users (
    id UUID PRIMARY KEY,
    email TEXT NOT NULL UNIQUE CHECK (email = lower(email)),
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'technician', 'viewer')),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    -- access tokens issued before this instant are refused (deactivation, password change)
    tokens_valid_after TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_login_at TIMESTAMPTZ
);

-- auth: rotating refresh tokens, stored as SHA-256 of the opaque token. A family is one
-- sign-in; presenting a rotated token again revokes the whole family.
CREATE TABLE refresh_tokens (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id UUID NOT NULL,
    token_hash BYTEA NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    expires_at TIMESTAMPTZ NOT NULL,
    rotated_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE INDEX refresh_tokens_family_id ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_id ON refresh_tokens (user_id);

-- auth: Ed25519 signing keys (PKCS#8), made on first start. Retired keys stay in the JWKS
-- until the tokens they signed have expired.
CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    private_key BYTEA NOT NULL,
    public_key BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    retired_at TIMESTAMPTZ
);

-- auth: failed sign-ins per account ('account:<email>') and per client address ('address:<ip>').
CREATE TABLE login_throttle (
    scope_key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_started_at TIMESTAMPTZ NOT NULL,
    blocked_until TIMESTAMPTZ
);
