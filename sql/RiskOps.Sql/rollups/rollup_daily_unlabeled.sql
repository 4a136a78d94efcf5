-- rollup_daily_unlabeled: in-scope decided cases without a latest label, per case dimensions, confidence bin and
-- ai_decision, with their count and confidence sum — what the population estimates (metrics/estimates.sql) add to the
-- labeled confusion counts: each unlabeled block adds p to TP and 1 − p to FP, each unlabeled pass p to TN and 1 − p to
-- FN, p from the calibration map of its (case type, bin), or, where no bin has 30 labeled cases, its own confidence
-- (hence the sum).
select
    scored_date,
    week,
    case_type,
    model_version,
    region,
    review_vendors,
    confidence_bin,
    ai_decision,
    count(*) as cases,
    sum(confidence)::double as confidence_sum
from scope
where not labeled
group by all
order by all
