-- onboarding_tenure: every review (latest row per review_id) of a decided case — all of case_source, whatever the
-- filters, so a period or case-type filter never resets anyone's experience — with its reviewer's tenure at that
-- review: review_no = its position in the reviewer's reviews ordered by assigned_at (then review_id), 1 for the first;
-- week_no = 1 + whole weeks (7 × 24 h) between the reviewer's first assigned_at and this one's. Open, escalated and
-- resolved reviews all count: a review assigned is experience. Reviews of cases without a decision are orphans and do
-- not count.
select
    r.review_id,
    r.reviewer_id,
    row_number() over (partition by r.reviewer_id order by r.assigned_at, r.review_id) as review_no,
    1 + ((epoch_us(r.assigned_at) - min(epoch_us(r.assigned_at)) over (partition by r.reviewer_id)) // 604800000000) as week_no
from reviews r
where r.case_id in (select case_id from case_source)
