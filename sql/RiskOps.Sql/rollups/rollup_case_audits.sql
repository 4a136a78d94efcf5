-- rollup_case_audits: the case_audits view materialised for decided cases (the only audits any figure counts).
select a.*
from case_audits a
where a.case_id in (select case_id from decisions)
order by a.audit_id
