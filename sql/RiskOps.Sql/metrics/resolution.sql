-- resolution: per slice over manual cases — resolved and open counts, SLA compliance (resolved within 4 h over resolved
-- plus open cases older than 4 h at the as-of time) and the open backlog by age at the as-of time: [0, 4 h),
-- [4 h, 24 h), [24 h, 72 h), >= 72 h. Reads scope_daily and scope_daily_open (open cases by exact scored_at); the
-- p50/p90 resolution hours are in resolution_quantiles. $as_of_us is the as-of instant in epoch microseconds.
with manual as (
    select
        k.dimension,
        slice_of(k.dimension, d.case_type, d.week, d.model_version, d.region) as slice,
        sum(d.manual_cases)::bigint as manual_cases,
        sum(d.resolved_cases)::bigint as resolved_cases,
        sum(d.sla_met)::bigint as sla_met
    from scope_daily d
    cross join dimensions() k
    group by all
),
backlog as (
    select
        k.dimension,
        slice_of(k.dimension, o.case_type, o.week, o.model_version, o.region) as slice,
        ($as_of_us - o.scored_at_us) / 3600000000.0::double as age_hours,
        o.cases
    from scope_daily_open o
    cross join dimensions() k
),
ageing as (
    select
        dimension,
        slice,
        sum(cases) filter (where age_hours > 4) as open_over_sla,
        sum(cases) filter (where age_hours < 4) as backlog_0_4h,
        sum(cases) filter (where age_hours >= 4 and age_hours < 24) as backlog_4_24h,
        sum(cases) filter (where age_hours >= 24 and age_hours < 72) as backlog_1_3d,
        sum(cases) filter (where age_hours >= 72) as backlog_over_3d
    from backlog
    group by dimension, slice
)
select
    m.dimension,
    m.slice,
    m.manual_cases,
    m.resolved_cases,
    m.manual_cases - m.resolved_cases as open_cases,
    m.sla_met,
    m.resolved_cases + coalesce(a.open_over_sla, 0)::bigint as sla_denominator,
    m.sla_met / nullif(m.resolved_cases + coalesce(a.open_over_sla, 0), 0) as sla_compliance,
    coalesce(a.backlog_0_4h, 0)::bigint as backlog_0_4h,
    coalesce(a.backlog_4_24h, 0)::bigint as backlog_4_24h,
    coalesce(a.backlog_1_3d, 0)::bigint as backlog_1_3d,
    coalesce(a.backlog_over_3d, 0)::bigint as backlog_over_3d
from manual m
left join ageing a on a.dimension = m.dimension and a.slice is not distinct from m.slice
where m.manual_cases > 0
order by m.dimension, m.slice
