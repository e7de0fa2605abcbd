-- What the launcher needs to find, adopt and stop a task after a restart.
alter table launch_intents
    -- The local process id and its start time: a pid is only ours if the start time matches too.
    add column pid                 bigint,
    add column process_started_at  timestamptz,
    -- The local attempt's files: its log, the marker the wrapper writes once (with its pid) and the
    -- file it writes the command's exit code to.
    add column log_file            text,
    add column started_file        text,
    add column exit_file           text,
    -- When the attempt times out (null: never).
    add column deadline_at         timestamptz,
    -- Set once the task has been seen to end; intents without it are watched after a restart.
    add column ended_at            timestamptz;

create index launch_intents_open on launch_intents (requested_at) where ended_at is null;
