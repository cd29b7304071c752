-- AI worker: jobs people ask for (draft, translate, review, ask), their state and result.
CREATE TABLE ai_jobs (
    id UUID PRIMARY KEY,
    owner_id UUID NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('draft_procedure', 'translate_revision', 'review_revision', 'ask_document')),
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    input JSONB NOT NULL,
    result JSONB,
    -- for people: what went wrong, without internals
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    -- which provider answered: 'offline' or 'openai', and the model
    provider TEXT,
    model TEXT,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((status IN ('succeeded', 'failed', 'cancelled')) = (finished_at IS NOT NULL))
);
CREATE INDEX ai_jobs_owner ON ai_jobs (owner_id, created_at DESC);
CREATE INDEX ai_jobs_open ON ai_jobs (owner_id) WHERE status IN ('queued', 'running');
