-- resolution: per slice over manual cases — resolved and open counts, SLA compliance (resolved within 4 h over resolved
-- plus open cases older than 4 h at the as-of time), p50/p90 resolution hours (quantile_cont, linear interpolation)
-- and the open backlog by age at the as-of time: [0, 4 h), [4 h, 24 h), [24 h, 72 h), >= 72 h.
-- $as_of_us is the as-of instant in epoch microseconds.
with manual as (
    select
        dimension,
        slice,
        resolved,
        resolution_hours,
        ($as_of_us - epoch_us(scored_at)) / 3600000000.0::double as age_hours
    from scope_slices
    where routing = 'manual'
),
counts as (
    select
        dimension,
        slice,
        count(*) as manual_cases,
        count(*) filter (where resolved) as resolved_cases,
        count(*) filter (where not resolved) as open_cases,
        count(*) filter (where resolved and resolution_hours <= 4) as sla_met,
        count(*) filter (where not resolved and age_hours > 4) as open_over_sla,
        quantile_cont(resolution_hours, 0.5) filter (where resolved) as resolution_hours_p50,
        quantile_cont(resolution_hours, 0.9) filter (where resolved) as resolution_hours_p90,
        count(*) filter (where not resolved and age_hours < 4) as backlog_0_4h,
        count(*) filter (where not resolved and age_hours >= 4 and age_hours < 24) as backlog_4_24h,
        count(*) filter (where not resolved and age_hours >= 24 and age_hours < 72) as backlog_1_3d,
        count(*) filter (where not resolved and age_hours >= 72) as backlog_over_3d
    from manual
    group by dimension, slice
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
    resolution_hours_p50,
    resolution_hours_p90,
    backlog_0_4h,
    backlog_4_24h,
    backlog_1_3d,
    backlog_over_3d
from counts
order by dimension, slice
