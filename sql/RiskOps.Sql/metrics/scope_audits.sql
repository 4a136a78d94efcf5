-- scope_audits: QA audits (latest per audit_id) attached to in-scope cases through review_id → review → case_id.
-- With $vendors only audits of those vendors' reviews count. review_week is the ISO week (UTC) of the review's resolved_at.
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
where r.case_id in (select case_id from scope)
    and (len($vendors::varchar[]) = 0 or list_contains($vendors::varchar[], r.vendor))
