DROP INDEX ai_jobs_leases;
ALTER TABLE ai_jobs DROP CONSTRAINT ai_jobs_lease_only_while_running;
ALTER TABLE ai_jobs DROP COLUMN lease_until;
