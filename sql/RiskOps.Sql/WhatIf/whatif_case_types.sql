-- whatif_case_types: per case type of the scope, the threshold in force (the latest decision's, ties by case_id), the
-- first and last UTC scored date, and the median handling hours (resolved_at - assigned_at) of its cases' resolved
-- reviews (review_source: rollup_case_reviews.sql; with --vendor only those vendors' reviews), null when none.
with spans as (
    select
        case_type,
        first(threshold order by scored_at desc, case_id desc) as current_threshold,
        strftime(min(scored_date), '%Y-%m-%d') as first_date,
        strftime(max(scored_date), '%Y-%m-%d') as last_date,
        count(*) as decisions
    from scope
    group by case_type
),
handling as (
    select c.case_type, median(r.handling_hours) as median_hours, count(*) as reviews
    from review_source r
    join scope c on c.case_id = r.case_id
    where len($vendors::VARCHAR[]) = 0 or list_contains($vendors::VARCHAR[], r.vendor)
    group by c.case_type
)
select s.case_type, s.current_threshold, s.first_date, s.last_date, s.decisions, h.median_hours, coalesce(h.reviews, 0) as reviews
from spans s
left join handling h on h.case_type = s.case_type
order by s.case_type
