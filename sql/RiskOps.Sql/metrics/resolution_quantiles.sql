-- resolution_quantiles: per slice, p50 and p90 of the resolution hours of resolved manual cases (quantile_cont, linear
-- interpolation) from scope_daily_resolution, whose rows are distinct values with their multiplicity: a value held by
-- several cases is repeated that many times, so the quantiles are exactly those over the per-case values. Unlike every
-- other figure this reads one row per distinct value, so it grows with the number of resolved cases.
with resolved as (
    select case_type, week, model_version, region, resolution_hours
    from scope_daily_resolution
    where cases = 1
    union all
    select case_type, week, model_version, region, resolution_hours
    from scope_daily_resolution, range(cases)
    where cases > 1
)
select
    k.dimension,
    slice_of(k.dimension, r.case_type, r.week, r.model_version, r.region) as slice,
    quantile_cont(r.resolution_hours, 0.5) as resolution_hours_p50,
    quantile_cont(r.resolution_hours, 0.9) as resolution_hours_p90
from resolved r
cross join dimensions() k
group by all
order by all
