-- rollup_daily_resolution: resolved manual cases per case dimensions and exact resolution time in hours (the values
-- p50/p90 are taken over). Quantiles are not additive, so the values themselves are kept, with their multiplicity.
select
    scored_date,
    week,
    case_type,
    model_version,
    region,
    review_vendors,
    resolution_hours,
    count(*) as cases
from scope
where resolved
group by all
order by all
