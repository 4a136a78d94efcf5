-- rollup_daily_calibration: labeled in-scope cases per (UTC scored date, ISO week, case type, model version, region,
-- confidence bin) with the additive sums the reliability table, ECE and Brier need.
select
    scored_date,
    week,
    case_type,
    model_version,
    region,
    review_vendors,
    confidence_bin,
    count(*) as n,
    sum(confidence)::double as confidence_sum,
    count(*) filter (where correct) as correct,
    sum((confidence - case when correct then 1.0 else 0.0 end::double) ** 2)::double as squared_error_sum
from scope
where labeled
group by all
order by all
