-- The cost service's own state: the price book. A price applies from effective_from until the
-- next price for the same region, resource and capacity type.

create table prices (
    id              bigint generated always as identity primary key,
    region          text not null,
    -- What is billed: one vCPU for an hour, one GiB of memory for an hour, one GiB of ephemeral
    -- storage (beyond the free 20 GiB) for an hour.
    resource        text not null check (resource in ('VCPU_HOUR', 'MEMORY_GB_HOUR', 'STORAGE_GB_HOUR')),
    capacity_type   text not null check (capacity_type in ('ON_DEMAND', 'SPOT')),
    unit_price      numeric(18, 8) not null check (unit_price >= 0),
    currency        char(3) not null,
    effective_from  timestamptz not null,
    unique (region, resource, capacity_type, effective_from)
);
