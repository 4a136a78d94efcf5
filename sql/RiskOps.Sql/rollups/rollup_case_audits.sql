-- rollup_case_audits: the case_audits view materialised for decided cases (the only audits any figure counts); built
-- right after the case snapshot, with scope = that snapshot (every decided case).
select a.*
from case_audits a
where a.case_id in (select case_id from scope)
order by a.audit_id
