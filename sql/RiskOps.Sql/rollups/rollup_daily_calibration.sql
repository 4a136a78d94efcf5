-- rollup_daily_calibration: labeled cases per (UTC scored date, case type, model version, region, confidence bin) with
-- the sums the reliability table and ECE need (count, confidence sum, correct count), all additive.
select
    scored_date,
    week,
    case_type,
    model_version,
    region,
    confidence_bin,
    count(*) as n,
    sum(confidence)::double as confidence_sum,
    count(*) filter (where correct) as correct
from cases
where labeled
group by all
order by all
