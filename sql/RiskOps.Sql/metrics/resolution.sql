-- resolution: per slice over manual cases — resolved and open counts, SLA compliance (resolved within 4 h over resolved
-- plus open cases older than 4 h at the as-of time) and the open backlog by age at the as-of time: [0, 4 h),
-- [4 h, 24 h), [24 h, 72 h), >= 72 h (a case scored after the as-of counts in the first). The p50/p90 resolution hours
-- are in resolution_quantiles. $as_of_us is the as-of instant in epoch microseconds.
-- Ageing is exact for any as-of without reading every open case: an age limit L is the instant as_of - L, and the open
-- cases scored before it are those of the days before its UTC day (open = manual - resolved in scope_daily) plus those
-- of that one day scored before the instant (scope_daily_open_hours keeps open cases per hour with their exact
-- scored_at_us). Age in hours compared with 4/24/72 equals comparing whole microseconds with 4/24/72 h, so no rounding
-- is involved.
with limits as (
    select
        $as_of_us - 14400000000 as t4,
        $as_of_us - 86400000000 as t24,
        $as_of_us - 259200000000 as t72,
        make_timestamp($as_of_us - 14400000000)::date as d4,
        make_timestamp($as_of_us - 86400000000)::date as d24,
        make_timestamp($as_of_us - 259200000000)::date as d72,
        ($as_of_us - 14400000000) // 3600000000 as h4,
        ($as_of_us - 86400000000) // 3600000000 as h24,
        ($as_of_us - 259200000000) // 3600000000 as h72
),
manual as (
    select
        k.dimension,
        slice_of(k.dimension, d.case_type, d.week, d.model_version, d.region) as slice,
        sum(d.manual_cases)::bigint as manual_cases,
        sum(d.resolved_cases)::bigint as resolved_cases,
        sum(d.sla_met)::bigint as sla_met,
        coalesce(sum(d.manual_cases - d.resolved_cases) filter (where d.scored_date < l.d4), 0) as open_before_d4,
        coalesce(sum(d.manual_cases - d.resolved_cases) filter (where d.scored_date < l.d24), 0) as open_before_d24,
        coalesce(sum(d.manual_cases - d.resolved_cases) filter (where d.scored_date < l.d72), 0) as open_before_d72
    from scope_daily d
    cross join limits l
    cross join dimensions() k
    group by all
),
edge_counts as (
    -- Open cases of the edge days summed per slice key first (the rows grow with the lake, the keys do not); the five
    -- slices are expanded from these sums in edges. Per hour of scored_at (scope_daily_open_hours): an hour before the
    -- limit's hour counts whole, the limit's own hour counts its cases scored before (or at) the instant.
    select
        o.case_type,
        o.week,
        o.model_version,
        o.region,
        coalesce(sum(case
            when o.scored_hour < l.h4 then o.cases
            when o.scored_hour = l.h4 then list_sum(list_transform(list_filter(o.open_at, x -> x.at_us < $as_of_us - 14400000000), x -> x.cases))
        end) filter (where o.scored_date = l.d4), 0) as before_t4,
        coalesce(sum(case
            when o.scored_hour < l.h4 then o.cases
            when o.scored_hour = l.h4 then list_sum(list_transform(list_filter(o.open_at, x -> x.at_us <= $as_of_us - 14400000000), x -> x.cases))
        end) filter (where o.scored_date = l.d4), 0) as through_t4,
        coalesce(sum(case
            when o.scored_hour < l.h24 then o.cases
            when o.scored_hour = l.h24 then list_sum(list_transform(list_filter(o.open_at, x -> x.at_us <= $as_of_us - 86400000000), x -> x.cases))
        end) filter (where o.scored_date = l.d24), 0) as through_t24,
        coalesce(sum(case
            when o.scored_hour < l.h72 then o.cases
            when o.scored_hour = l.h72 then list_sum(list_transform(list_filter(o.open_at, x -> x.at_us <= $as_of_us - 259200000000), x -> x.cases))
        end) filter (where o.scored_date = l.d72), 0) as through_t72
    from scope_daily_open_hours o
    cross join limits l
    -- The edge days (d4, d24, d72 of limits) written from the parameter itself, so DuckDB filters the scan before any
    -- join; with the range, the rows (kept in scored_date order) of every other day are skipped, not read.
    where o.scored_date in (
            make_timestamp($as_of_us - 14400000000)::date,
            make_timestamp($as_of_us - 86400000000)::date,
            make_timestamp($as_of_us - 259200000000)::date)
        and o.scored_date between make_timestamp($as_of_us - 259200000000)::date and make_timestamp($as_of_us - 14400000000)::date
    group by all
),
edges as (
    select
        k.dimension,
        slice_of(k.dimension, e.case_type, e.week, e.model_version, e.region) as slice,
        sum(e.before_t4) as before_t4,
        sum(e.through_t4) as through_t4,
        sum(e.through_t24) as through_t24,
        sum(e.through_t72) as through_t72
    from edge_counts e
    cross join dimensions() k
    group by all
),
ageing as (
    select
        m.*,
        m.manual_cases - m.resolved_cases as open_cases,
        (m.open_before_d4 + coalesce(e.before_t4, 0))::bigint as open_over_sla,
        (m.open_before_d4 + coalesce(e.through_t4, 0))::bigint as aged_4h,
        (m.open_before_d24 + coalesce(e.through_t24, 0))::bigint as aged_24h,
        (m.open_before_d72 + coalesce(e.through_t72, 0))::bigint as aged_72h
    from manual m
    left join edges e on e.dimension = m.dimension and e.slice is not distinct from m.slice
)
select
    dimension,
    slice,
    manual_cases,
    resolved_cases,
    open_cases,
    sla_met,
    resolved_cases + open_over_sla as sla_denominator,
    sla_met / nullif(resolved_cases + open_over_sla, 0) as sla_compliance,
    open_cases - aged_4h as backlog_0_4h,
    aged_4h - aged_24h as backlog_4_24h,
    aged_24h - aged_72h as backlog_1_3d,
    aged_72h as backlog_over_3d
from ageing
where manual_cases > 0
order by dimension, slice
