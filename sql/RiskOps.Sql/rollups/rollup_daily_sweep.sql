-- rollup_daily_sweep: decided cases per case dimensions, decision threshold, latest label (null when unlabeled) and sweep
-- bucket kb — the threshold sweep's input (metrics/threshold_sweep.sql). kb = the largest k in 50..99 with
-- k / 100.0 <= confidence (49 when none), so the sweep's "confidence >= t" (t = k / 100.0, contract §2) is "kb >= k".
-- floor(confidence * 100) can be one off next to an integer (floating point), so the candidates f + 1, f, f - 1 are
-- checked with the very comparison the sweep defines. Bounded by days × case dimensions × thresholds × 5 labels × 51.
select
    scored_date,
    week,
    case_type,
    model_version,
    region,
    review_vendors,
    threshold,
    label,
    greatest(49, least(99, case
        when ((f + 1) / 100.0)::DOUBLE <= confidence then f + 1
        when (f / 100.0)::DOUBLE <= confidence then f
        else f - 1
    end))::INTEGER as kb,
    count(*) as cases
from (select *, floor(confidence * 100)::INTEGER as f from scope)
group by all
order by all
