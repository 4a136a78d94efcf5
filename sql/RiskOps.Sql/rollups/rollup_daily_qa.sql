-- rollup_daily_qa: QA audits of in-scope cases (latest per audit_id) per case dimensions and the audited review's vendor
-- (null for in-house reviews) — the per-slice decision accuracy, without the reviewer grain of daily_audits.
select
    c.scored_date,
    c.week,
    c.case_type,
    c.model_version,
    c.region,
    c.review_vendors,
    a.vendor,
    count(*) as qa_audits,
    count(*) filter (where a.verdict = 'correct') as qa_correct
from scope_audits a
join scope c on c.case_id = a.case_id
group by all
order by all
