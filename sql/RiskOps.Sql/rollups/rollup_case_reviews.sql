-- rollup_case_reviews: the resolved reviews (latest row per review_id) of decided cases with their handling time in
-- hours, for the threshold sweep's reviewer-hours estimate, so it reads no raw Parquet when the rollup is fresh. Built
-- per bucket with scope = that bucket's case snapshot.
select
    r.case_id,
    r.review_id,
    r.vendor,
    (epoch_us(r.resolved_at) - epoch_us(r.assigned_at)) / 3600000000.0 as handling_hours
from reviews r
where r.resolved_at is not null
    and r.case_id in (select case_id from scope)
