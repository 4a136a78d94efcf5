-- scope_audits: QA audits attached to in-scope cases through review_id → review → case_id (rows of case_audits, or of
-- its rollup snapshot, via the temp view audit_source). With $vendors only audits of those vendors' reviews count.
select a.*
from audit_source a
where a.case_id in (select case_id from scope)
    and (len($vendors::varchar[]) = 0 or list_contains($vendors::varchar[], a.vendor))
