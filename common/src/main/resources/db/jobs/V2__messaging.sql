-- Messaging: the transactional outbox, the consumers' record of handled messages and their failures.
-- Owned by io.stevedore.common.messaging. Timestamps here come from the database clock (now()), not
-- from a service's injected Clock: they only drive delivery mechanics, never business rules.

-- Messages written in the same transaction as a state change; the relay publishes them to SQS and
-- deletes the rows it sent. Several relays (replicas) claim rows with FOR UPDATE SKIP LOCKED.
create table outbox (
    id               bigint generated always as identity primary key,
    message_id       uuid not null unique,
    queue            text not null,
    type             text not null,
    version          int not null,
    body             text not null,
    attributes       jsonb not null default '{}',
    created_at       timestamptz not null default now(),
    attempts         int not null default 0,
    next_attempt_at  timestamptz not null default now(),
    last_error       text
);
create index outbox_due on outbox (next_attempt_at);

-- One row per message a consumer handled, written in the handler's own transaction, so a
-- redelivered (or concurrently delivered) message id is handled once. Pruned after a retention
-- longer than SQS keeps a message.
create table handled_messages (
    consumer    text not null,
    message_id  text not null,
    handled_at  timestamptz not null default now(),
    primary key (consumer, message_id)
);
create index handled_messages_at on handled_messages (handled_at);

-- Every failed handling attempt: the reason is a one-line summary (exception type and message),
-- never a stack trace.
create table message_failures (
    id             bigint generated always as identity primary key,
    queue          text not null,
    consumer       text not null,
    message_id     text not null,
    type           text,
    receive_count  int not null,
    reason         text not null,
    failed_at      timestamptz not null default now()
);
create index message_failures_message on message_failures (message_id);
create index message_failures_queue_at on message_failures (queue, failed_at desc);
