-- Case-management source tables read by riskops' incremental PostgreSQL extractor
-- (etl/RiskOps.Etl/Sources/Postgres). Each table carries the data contract's columns (docs/lake.md,
-- contract §1) plus updated_at, the watermark column: the extractor reads rows with
-- (updated_at, primary key) > the last landed position, in that order. Types are deliberately loose
-- (text for enums): validation and quarantine happen in the warehouse, so a bad row is reported,
-- never lost. user_id is clear here; the lake stores only its HMAC.

create table if not exists decisions (
    case_id        text primary key,
    case_type      text,
    scored_at      timestamptz,
    model_version  text,
    ai_decision    text,
    confidence     double precision,
    threshold      double precision,
    routing        text,
    priority       integer,
    user_id        text,
    signals        text[],
    region         text,
    updated_at     timestamptz not null default now()
);

create table if not exists reviews (
    review_id      text primary key,
    case_id        text,
    reviewer_id    text,
    reviewer_org   text,
    vendor         text,
    reviewer_tier  text,
    assigned_at    timestamptz,
    resolved_at    timestamptz,
    decision       text,
    rationale      text,
    updated_at     timestamptz not null default now()
);

-- A case can be re-labelled: every label is its own row; the lake keeps them all as history.
create table if not exists labels (
    case_id          text not null,
    label            text,
    label_source     text,
    sample_weight    double precision,
    root_cause_type  text,
    root_cause_code  text,
    annotation       text,
    labeled_by       text,
    labeled_at       timestamptz not null,
    updated_at       timestamptz not null default now(),
    primary key (case_id, labeled_at)
);

create table if not exists qa_audits (
    audit_id        text primary key,
    review_id       text,
    auditor_id      text,
    audited_at      timestamptz,
    verdict         text,
    error_category  text,
    updated_at      timestamptz not null default now()
);

-- updated_at is also a contract field of sop_coverage.
create table if not exists sop_coverage (
    case_type      text not null,
    scenario_code  text not null,
    covered        boolean,
    sop_page       text,
    sop_version    text,
    updated_at     timestamptz not null default now(),
    primary key (case_type, scenario_code)
);

-- The extractor's page query is an index range scan on these.
create index if not exists decisions_watermark    on decisions    (updated_at, case_id);
create index if not exists reviews_watermark      on reviews      (updated_at, review_id);
create index if not exists labels_watermark       on labels       (updated_at, case_id, labeled_at);
create index if not exists qa_audits_watermark    on qa_audits    (updated_at, audit_id);
create index if not exists sop_coverage_watermark on sop_coverage (updated_at, case_type, scenario_code);

-- Every write moves updated_at, so an updated row is extracted again (and lands as a new version).
create or replace function riskops_touch_updated_at() returns trigger language plpgsql as $$
begin
    new.updated_at := now();
    return new;
end;
$$;

do $$
declare t text;
begin
    foreach t in array array['decisions', 'reviews', 'labels', 'qa_audits'] loop
        execute format('drop trigger if exists %I on %I', t || '_touch', t);
        execute format('create trigger %I before update on %I for each row execute function riskops_touch_updated_at()', t || '_touch', t);
    end loop;
end;
$$;
