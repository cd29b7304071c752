-- Webhooks (work): the URLs an admin registered for some event types, and one delivery per
-- endpoint and event. The work service's consumer of those events writes the deliveries (its
-- `(endpoint_id, message_id)` key makes a redelivered event one delivery); its sender posts them,
-- signed in the style of the Standard Webhooks spec, one at a time per endpoint, retrying with
-- backoff for a day, and keeps the last response.

CREATE TABLE webhook_endpoints (
    id uuid PRIMARY KEY,
    url text NOT NULL CHECK (length(url) BETWEEN 10 AND 2000),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    -- Event types (`work_order.completed`) or `work_order.*`.
    event_types text[] NOT NULL CHECK (cardinality(event_types) BETWEEN 1 AND 20),
    -- `whsec_` and the base64 of 24 random bytes: the HMAC key is the decoded bytes.
    secret text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    created_by uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_deliveries (
    id uuid PRIMARY KEY,
    endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    -- The event's message id: the `webhook-id` header, the same on every try.
    message_id uuid NOT NULL,
    event_type text NOT NULL,
    -- The body posted, byte for byte as signed.
    payload text NOT NULL,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- While a replica is posting it: until when (a replica that died lets it go then).
    lease_until timestamptz,
    last_attempt_at timestamptz,
    last_status integer,
    last_response text,
    last_error text,
    last_duration_ms integer,
    delivered_at timestamptz,
    UNIQUE (endpoint_id, message_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_of_endpoint ON webhook_deliveries (endpoint_id, created_at DESC);

GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints, webhook_deliveries TO gamme_work;
