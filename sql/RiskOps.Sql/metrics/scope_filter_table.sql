-- scope_filter_table: the one-row table of the current call's FILTERS (filled by scope_filter). A table of the
-- warehouse's own in-memory database, not a temp table, so the duplicate connections that answer a call's statements
-- side by side read the same row.
create or replace table scope_filter (
    from_date date,
    to_date date,
    weeks varchar[],
    case_types varchar[],
    model_versions varchar[],
    regions varchar[],
    vendors varchar[]
)
