-- sop_gaps: type-C root_cause_codes (latest labels of in-scope decided cases, scope_daily_root_causes) that no covered
-- scenario of the same case type handles, with how many cases carry them.
with type_c as (
    select case_type, root_cause_code, sum(cases)::bigint as cases
    from scope_daily_root_causes
    group by case_type, root_cause_code
)
select t.case_type, t.root_cause_code, t.cases
from type_c t
where not exists (
    select 1
    from scope_sop_coverage s
    where s.covered and s.case_type = t.case_type and s.scenario_code = t.root_cause_code
)
order by t.case_type, t.cases desc, t.root_cause_code
