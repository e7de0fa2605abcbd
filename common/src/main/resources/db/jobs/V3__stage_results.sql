-- What a stage attempt did, as its worker reported it in a RESULT task event: rows and bytes in
-- and out, duration and the output's schema (the JSON of io.stevedore.common.contract.StageResult).
-- Null until a result arrives; written once per attempt, after the fact, by the orchestrator's
-- task-events consumer, and read by the runs API. No index: nothing searches it.
alter table stage_runs add column result jsonb;
