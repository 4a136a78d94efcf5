-- rollup_daily_handling: the resolved reviews of in-scope cases (review_source: rollup_case_reviews.sql's rows) per case
-- dimensions, the review's vendor and exact handling time in hours (resolved_at − assigned_at), with their multiplicity —
-- the threshold sweep's median handling time (contract §2) is exactly the median over these values. Like
-- daily_resolution it grows with the distinct values, so it is read from Parquet, not copied into memory.
select
    c.scored_date,
    c.week,
    c.case_type,
    c.model_version,
    c.region,
    c.review_vendors,
    r.vendor,
    r.handling_hours,
    count(*) as reviews
from review_source r
join scope c on c.case_id = r.case_id
group by all
order by all
