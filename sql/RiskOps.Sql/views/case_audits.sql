-- case_audits: QA audits (latest per audit_id) with the review they audit (latest per review_id) and its case_id;
-- review_week is the UTC ISO week of the review's resolved_at (the week decision accuracy is reported in).
create or replace view case_audits as
select
    a.audit_id,
    a.review_id,
    a.auditor_id,
    a.audited_at,
    a.verdict,
    a.error_category,
    r.case_id,
    r.reviewer_id,
    r.reviewer_org,
    r.vendor,
    r.reviewer_tier,
    r.resolved_at,
    strftime(make_timestamp(epoch_us(r.resolved_at)), '%G-W%V') as review_week
from qa_audits a
join reviews r on r.review_id = a.review_id
