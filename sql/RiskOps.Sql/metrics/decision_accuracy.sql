-- decision_accuracy: per slice of the audited case — QA audits (latest per audit_id) with verdict correct / all audits.
select
    s.dimension,
    s.slice,
    count(*) as qa_audits,
    count(*) filter (where a.verdict = 'correct') as qa_correct,
    count(*) filter (where a.verdict = 'correct') / nullif(count(*), 0) as decision_accuracy
from scope_audits a
join scope_slices s on s.case_id = a.case_id
group by s.dimension, s.slice
order by s.dimension, s.slice
