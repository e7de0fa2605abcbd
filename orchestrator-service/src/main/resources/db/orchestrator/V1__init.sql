-- The orchestrator's own state. Run and stage-attempt status live in the shared schema jobs.

-- A launch is durable: this intent row is committed before the launcher is called, so a restarted
-- orchestrator finds every task it may have started and adopts it instead of launching it again.
create table launch_intents (
    stage_run_id   uuid primary key references jobs.stage_runs (id),
    launcher       text not null check (launcher in ('LOCAL', 'ECS')),
    -- Sent as ECS RunTask clientToken (at most 64 characters): a retried call starts no second task.
    client_token   text not null unique check (length(client_token) <= 64),
    -- Sent as ECS startedBy (at most 36 characters), so the reconciler can list our tasks.
    started_by     text not null check (length(started_by) <= 36),
    requested_at   timestamptz not null,
    -- The ECS task ARN or the local process id, once the launcher answered.
    task_ref       text,
    confirmed_at   timestamptz
);

-- The reconciler looks for intents the launcher never confirmed.
create index launch_intents_unconfirmed on launch_intents (requested_at) where confirmed_at is null;
