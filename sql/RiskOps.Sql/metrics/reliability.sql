-- reliability: the reliability table — for all case types pooled, each case type and each week, the 10 confidence bins
-- [k/10, (k+1)/10) (1.0 in the last) with count, mean confidence and observed correctness; empty bins have count 0.
with slices as (
    select distinct dimension, slice
    from scope_slices
    where dimension in ('overall', 'case_type', 'week')
),
bins as (
    select
        dimension,
        slice,
        confidence_bin,
        count(*) as count,
        avg(confidence) as mean_confidence,
        avg(case when correct then 1.0 else 0.0 end::double) as observed_accuracy
    from scope_slices
    where labeled and dimension in ('overall', 'case_type', 'week')
    group by dimension, slice, confidence_bin
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
