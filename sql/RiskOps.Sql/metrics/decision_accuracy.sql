-- decision_accuracy: per slice of the audited case (scope_daily_qa) — QA audits (latest per audit_id) with verdict
-- correct / all audits of in-scope cases; slices without audits have no row.
select
    k.dimension,
    slice_of(k.dimension, a.case_type, a.week, a.model_version, a.region) as slice,
    sum(a.qa_audits)::bigint as qa_audits,
    sum(a.qa_correct)::bigint as qa_correct,
    sum(a.qa_correct) / nullif(sum(a.qa_audits), 0) as decision_accuracy
from scope_daily_qa a
cross join dimensions() k
group by all
order by all
