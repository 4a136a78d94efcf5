-- rollup_daily_open: open manual cases (latest review not pass/block) per case dimensions and exact scored_at (epoch
-- microseconds). Open cases are aged at query time to the as-of instant, so the SLA denominator and the backlog buckets
-- stay exact for any as-of.
select
    scored_date,
    week,
    case_type,
    model_version,
    region,
    review_vendors,
    epoch_us(scored_at) as scored_at_us,
    count(*) as cases
from scope
where routing = 'manual' and not resolved
group by all
order by all
