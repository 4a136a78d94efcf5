-- rollup_daily_audits: QA audits of in-scope cases (latest per audit_id) per case dimensions, reviewer (org, vendor,
-- id) and the ISO week of the audited review's resolved_at — decision accuracy per org, vendor, reviewer and week.
select
    c.scored_date,
    c.week,
    c.case_type,
    c.model_version,
    c.region,
    c.review_vendors,
    a.reviewer_org,
    a.vendor,
    a.reviewer_id,
    a.review_week,
    count(*) as qa_audits,
    count(*) filter (where a.verdict = 'correct') as qa_correct
from scope_audits a
join scope c on c.case_id = a.case_id
group by all
order by all
