-- onboarding: decision accuracy (QA) and overturn-correctness per tenure bucket of the reviewer, per org and vendor,
-- over the cases in scope. Tenure comes from onboarding_tenure (the review's position in its reviewer's history and the
-- weeks since their first review). Two bucketings, each a dimension:
--   weeks:   1, 2, 3, 4, 5-8, 9+   (week_no of the review)
--   reviews: 1-50, 51-100, 101-200, 201+   (review_no of the review)
-- Per bucket: reviews = the in-scope cases' reviews in the bucket (reviewers = distinct reviewers among them);
-- qa_audits / qa_correct = the audits of scope_audits (latest per audit_id, in-scope cases) of reviews in the bucket —
-- an audit counts in the bucket of the review it audits; overturned_labeled / human_right = the in-scope resolved cases
-- whose final review (in the bucket) differs from ai_decision and that have a label, and of those the ones where the
-- final decision is the truth (block when the label is TP or FN), as in overturn.sql. Org and vendor are those of the
-- bucketed review; with $vendors only those vendors' rows (in-house reviews have no vendor, so none then).
with events as (
    select 'review' as kind, r.reviewer_org as org, r.vendor, r.review_id, r.reviewer_id, null::boolean as ok
    from reviews r
    where r.case_id in (select case_id from scope)
    union all
    select 'audit', a.reviewer_org, a.vendor, a.review_id, a.reviewer_id, a.verdict = 'correct'
    from scope_audits a
    union all
    select 'overturn', s.final_reviewer_org, s.final_vendor, s.final_review_id, s.final_reviewer_id, s.final_decision = (case when s.truth_block then 'block' else 'pass' end)
    from scope s
    where s.resolved and s.final_decision <> s.ai_decision and s.truth_block is not null
),
placed as (
    select e.*, t.week_no, t.review_no
    from events e
    join onboarding_tenure t on t.review_id = e.review_id
    where len($vendors::varchar[]) = 0 or list_contains($vendors::varchar[], e.vendor)
),
bucketed as (
    select
        'weeks' as dimension,
        case when week_no <= 4 then week_no::varchar when week_no <= 8 then '5-8' else '9+' end as bucket,
        (case when week_no <= 4 then week_no when week_no <= 8 then 5 else 6 end)::integer as bucket_order,
        *
    from placed
    union all
    select
        'reviews',
        case when review_no <= 50 then '1-50' when review_no <= 100 then '51-100' when review_no <= 200 then '101-200' else '201+' end,
        (case when review_no <= 50 then 1 when review_no <= 100 then 2 when review_no <= 200 then 3 else 4 end)::integer,
        *
    from placed
),
counts as (
    select
        dimension, org, vendor, bucket, bucket_order,
        count(distinct reviewer_id) filter (where kind = 'review')::bigint as reviewers,
        count(*) filter (where kind = 'review')::bigint as reviews,
        count(*) filter (where kind = 'audit')::bigint as qa_audits,
        count(*) filter (where kind = 'audit' and ok)::bigint as qa_correct,
        count(*) filter (where kind = 'overturn')::bigint as overturned_labeled,
        count(*) filter (where kind = 'overturn' and ok)::bigint as human_right
    from bucketed
    group by dimension, org, vendor, bucket, bucket_order
)
select
    dimension, org, vendor, bucket, bucket_order, reviewers, reviews,
    qa_audits, qa_correct,
    case when qa_audits > 0 then qa_correct / qa_audits::double end as decision_accuracy,
    wilson_low(qa_correct::double, qa_audits::double) as decision_accuracy_low,
    wilson_high(qa_correct::double, qa_audits::double) as decision_accuracy_high,
    qa_audits as decision_accuracy_n,
    overturned_labeled, human_right,
    case when overturned_labeled > 0 then human_right / overturned_labeled::double end as human_right_rate,
    overturned_labeled as human_right_rate_n
from counts
order by org, vendor nulls first, dimension desc, bucket_order
