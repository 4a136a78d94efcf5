-- calibration_error: per slice over labeled cases (correct = TP or TN) — ECE over the 10 confidence bins
-- (bin = least(floor(10 * confidence), 9)) and the Brier score.
with bins as (
    select
        dimension,
        slice,
        confidence_bin,
        count(*) as n,
        avg(confidence) as mean_confidence,
        avg(case when correct then 1.0 else 0.0 end::double) as observed_accuracy,
        sum((confidence - case when correct then 1.0 else 0.0 end::double) ** 2) as squared_error
    from scope_slices
    where labeled
    group by dimension, slice, confidence_bin
)
select
    dimension,
    slice,
    sum(n) as calibration_cases,
    sum(n * abs(observed_accuracy - mean_confidence)) / sum(n) as ece,
    sum(squared_error) / sum(n) as brier
from bins
group by dimension, slice
order by dimension, slice
