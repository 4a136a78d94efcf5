-- scope_filter_table: the one-row table of the current call's FILTERS (filled by scope_filter).
create or replace temp table scope_filter (
    from_date date,
    to_date date,
    weeks varchar[],
    case_types varchar[],
    model_versions varchar[],
    regions varchar[],
    vendors varchar[]
)
