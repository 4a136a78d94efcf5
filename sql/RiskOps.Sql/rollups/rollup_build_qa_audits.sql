-- rollup_build_qa_audits: the qa_audits view materialised once per rollup build, each audit with the case_id of the
-- review it audits (null when that review does not exist), so each bucket reads exactly the audits of its own cases
-- and every orphan audit falls in exactly one bucket.
select a.*, r.case_id as rollup_case_id
from qa_audits a
left join reviews r on r.review_id = a.review_id
