-- Operations: stage outputs, final-failure alerts and their webhook deliveries.

-- What a stage attempt produced (name -> URI), reported by its worker in a RESULT task event.
-- A later stage gets the outputs of its inputs' succeeded attempts in STEVEDORE_INPUTS; a resumed
-- run reuses those of the stages that succeeded before.
create table stage_outputs (
    stage_run_id  uuid not null references jobs.stage_runs (id),
    name          text not null,
    uri           text not null,
    recorded_at   timestamptz not null,
    primary key (stage_run_id, name)
);

-- Alerts to deliver to the webhooks: the orchestrator's own (one per stage attempt that failed for
-- good, no attempt left), and those other services put on the alerts queue. Keyed by the alert's
-- id, so an alert read again from the queue (or raised twice) is delivered once.
create table alerts (
    id            uuid primary key,
    source        text not null,
    -- Informational (no foreign key: another service's alert may name a run this schema never saw).
    run_id        uuid,
    stage_run_id  uuid unique references jobs.stage_runs (id),
    kind          text not null,
    body          text not null,
    -- The outbox message that carried the orchestrator's own alert to the alerts queue.
    message_id    uuid,
    created_at    timestamptz not null
);

-- One row per alert and configured webhook, written in the transaction that raised the alert, so a
-- restart neither loses a delivery nor repeats one that was delivered. The webhook's URL is not
-- stored (it may carry a secret token): webhook_id is a hash of it, webhook_host is for people.
create table alert_deliveries (
    id               bigint generated always as identity primary key,
    alert_id         uuid not null references alerts (id),
    webhook_id       text not null,
    webhook_host     text not null,
    attempts         int not null default 0,
    -- When the next attempt is due; a claimed row is pushed past its lease, so a delivery in
    -- flight when the orchestrator died is tried again after the lease.
    next_attempt_at  timestamptz not null,
    last_error       text,
    last_status      int,
    delivered_at     timestamptz,
    given_up_at      timestamptz,
    created_at       timestamptz not null,
    unique (alert_id, webhook_id)
);
create index alert_deliveries_due on alert_deliveries (next_attempt_at)
    where delivered_at is null and given_up_at is null;

-- The watchdog looks for silent and stuck attempts among the open intents.
create index launch_intents_heartbeat on launch_intents (last_heartbeat_at)
    where ended_at is null and last_heartbeat_at is not null;
