-- AI jobs: a running job is leased by the worker on it, which renews the lease while it works;
-- a job whose lease ran out is taken back (see ai-worker's jobs.rs). Running jobs from before
-- this migration have no worker renewing anything: their lease runs out at once.
ALTER TABLE ai_jobs ADD COLUMN lease_until TIMESTAMPTZ;
UPDATE ai_jobs SET lease_until = now() WHERE status = 'running';
-- Only a running job holds a lease.
ALTER TABLE ai_jobs ADD CONSTRAINT ai_jobs_lease_only_while_running
    CHECK (lease_until IS NULL OR status = 'running');
-- The sweep looks for running jobs whose lease ran out.
CREATE INDEX ai_jobs_leases ON ai_jobs (lease_until) WHERE status = 'running';
