-- Advisories, policies, images and verdicts of the security gate. V1's verdicts table (one row per
-- digest, PASS/FAIL only) was never written; it is replaced by one keyed by what a verdict depends
-- on: the image digest, the policy content and the advisory data.
drop table verdicts;

-- The imported OSV records, one row per advisory id; a record replaces the stored one only when
-- its modified time is later. The in-memory AdvisoryIndex is loaded from here at start-up.
create table advisories (
    id           text primary key,
    modified     timestamptz not null,
    imported_at  timestamptz not null,
    osv          jsonb not null
);

-- Which packages each advisory names, for lookups by ecosystem and package name.
create table advisory_packages (
    advisory_id  text not null references advisories (id) on delete cascade,
    ecosystem    text not null,
    name         text not null,
    primary key (advisory_id, ecosystem, name)
);
create index advisory_packages_by_package on advisory_packages (ecosystem, name);

-- One row per import: when, from what, what it did, and the data version it left behind.
create table advisory_imports (
    id            uuid primary key,
    imported_at   timestamptz not null,
    source        text not null,
    team_id       uuid,
    inserted      int not null,
    updated       int not null,
    unchanged     int not null,
    problems      jsonb not null,
    data_version  text not null
);
create index advisory_imports_by_time on advisory_imports (imported_at desc);

-- Images by digest (a tag may move, a digest never changes), with the inventory taken from them
-- (packages, libraries, config), which the SBOM export and rescans read.
create table images (
    digest        text primary key check (digest ~ '^sha256:[0-9a-f]{64}$'),
    reference     text,
    resolved_tag  text,
    first_seen    timestamptz not null,
    last_seen     timestamptz not null,
    inventory     jsonb not null
);
create index images_by_last_seen on images (last_seen desc);

-- Policies per team and name; every change is a new immutable version.
create table policies (
    team_id     uuid not null,
    name        text not null check (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    version     int not null check (version > 0),
    yaml        text not null,
    hash        text not null,
    created_at  timestamptz not null,
    primary key (team_id, name, version)
);

-- Verdicts: one per team, image, policy content and advisory data version. A verdict for the same
-- key is never recomputed; a new policy version or advisory import makes a new key.
create table verdicts (
    id                uuid primary key,
    team_id           uuid not null,
    image_digest      text not null references images (digest),
    policy_name       text not null,
    policy_version    int not null,
    policy_hash       text not null,
    advisory_version  text not null,
    verdict           text not null check (verdict in ('PASS', 'WARN', 'FAIL')),
    findings          jsonb not null,
    notes             jsonb not null,
    reference         text,
    trigger           text not null check (trigger in ('API', 'QUEUE', 'RESCAN')),
    created_at        timestamptz not null,
    unique (team_id, image_digest, policy_hash, advisory_version)
);
create index verdicts_latest on verdicts (team_id, image_digest, policy_name, created_at desc);
