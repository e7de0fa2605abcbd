-- Validate stages run in validation-service, not as tasks: their launch intent (launcher VALIDATION)
-- carries the deadline, so an unanswered validation times out like any other attempt.
alter table launch_intents drop constraint launch_intents_launcher_check;
alter table launch_intents add constraint launch_intents_launcher_check
    check (launcher in ('LOCAL', 'ECS', 'NOOP', 'VALIDATION'));

-- What security-gate answered before a launch of an image, and what the orchestrator did with it.
create table gate_decisions (
    id            uuid primary key,
    stage_run_id  uuid not null references jobs.stage_runs (id),
    run_id        uuid not null references jobs.runs (id),
    team_id       uuid not null,
    stage_id      text not null,
    image         text not null,
    -- The digest the gate pinned the image to, when it could read the image.
    digest        text,
    -- PASS, WARN or FAIL from the gate; UNKNOWN when the gate could not be asked or could not read
    -- the image; NOT_ASKED when no gate is configured.
    verdict       text not null check (verdict in ('PASS', 'WARN', 'FAIL', 'UNKNOWN', 'NOT_ASKED')),
    -- ENFORCE or WARN (OFF asks nothing and records nothing).
    mode          text not null,
    allowed       boolean not null,
    reason        text not null,
    -- The gate's findings (rule, id, severity, message), as it sent them.
    findings      jsonb not null default '[]',
    decided_at    timestamptz not null
);
create index gate_decisions_run on gate_decisions (run_id, decided_at);
