-- What the launcher last reported about an attempt's task, for the watchdog: a task that never
-- reaches RUNNING (stuck in ECS PROVISIONING/PENDING) or goes silent (no heartbeat) is stopped and
-- retried.
alter table launch_intents
    -- The task's last known status in the launcher's terms (ECS lastStatus: PROVISIONING, PENDING,
    -- ACTIVATING, RUNNING, DEPROVISIONING, STOPPED; local: RUNNING once the process started).
    add column task_status        text,
    add column task_status_at     timestamptz,
    -- When the task was first seen RUNNING (null: not yet).
    add column task_running_at    timestamptz,
    -- The worker's last heartbeat (null: none yet; only attempts that sent one can go silent).
    add column last_heartbeat_at  timestamptz;
