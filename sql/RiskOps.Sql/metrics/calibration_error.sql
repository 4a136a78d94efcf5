-- calibration_error: per slice over labeled cases (correct = TP or TN), from scope_daily_calibration — ECE over the 10
-- confidence bins (bin = least(floor(10 * confidence), 9)) and the Brier score.
with bins as (
    select
        k.dimension,
        slice_of(k.dimension, c.case_type, c.week, c.model_version, c.region) as slice,
        c.confidence_bin,
        sum(c.n)::bigint as n,
        sum(c.confidence_sum) / sum(c.n) as mean_confidence,
        sum(c.correct) / sum(c.n) as observed_accuracy,
        sum(c.squared_error_sum)::double as squared_error
    from scope_daily_calibration c
    cross join dimensions() k
    group by all
)
select
    dimension,
    slice,
    sum(n)::bigint as calibration_cases,
    sum(n * abs(observed_accuracy - mean_confidence)) / sum(n) as ece,
    sum(squared_error) / sum(n) as brier
from bins
group by dimension, slice
order by dimension, slice
