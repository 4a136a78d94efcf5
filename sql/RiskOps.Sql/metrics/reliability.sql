-- reliability: the reliability table — for all case types pooled, each case type and each week, the 10 confidence bins
-- [k/10, (k+1)/10) (1.0 in the last) with count, mean confidence and observed correctness; empty bins have count 0.
-- Slices are those with in-scope cases (scope_daily); bins come from scope_daily_calibration.
with slices as (
    select distinct k.dimension, slice_of(k.dimension, d.case_type, d.week, d.model_version, d.region) as slice
    from scope_daily d
    cross join dimensions() k
    where k.dimension in ('overall', 'case_type', 'week')
),
bins as (
    select
        k.dimension,
        slice_of(k.dimension, c.case_type, c.week, c.model_version, c.region) as slice,
        c.confidence_bin,
        sum(c.n)::bigint as count,
        sum(c.confidence_sum) / sum(c.n) as mean_confidence,
        sum(c.correct) / sum(c.n) as observed_accuracy
    from scope_daily_calibration c
    cross join dimensions() k
    where k.dimension in ('overall', 'case_type', 'week')
    group by all
)
select
    s.dimension,
    case when s.dimension = 'case_type' then s.slice end as case_type,
    case when s.dimension = 'week' then s.slice end as week,
    k.bin,
    k.bin / 10.0::double as bin_low,
    (k.bin + 1) / 10.0::double as bin_high,
    coalesce(b.count, 0) as count,
    b.mean_confidence,
    b.observed_accuracy
from slices s
cross join (select range::integer as bin from range(10)) k
left join bins b on b.dimension = s.dimension and b.slice is not distinct from s.slice and b.confidence_bin = k.bin
order by s.dimension, s.slice, k.bin
