-- sop_coverage_by_case_type: per case type and pooled (case_type null) — scenarios (latest per scenario) with covered = true over all
-- scenarios. Only $case_types restricts the catalogue; the other filters are about cases, not SOP pages.
select
    case_type,
    count(*) as scenarios,
    count(*) filter (where covered) as covered,
    count(*) filter (where covered) / nullif(count(*), 0) as coverage
from scope_sop_coverage
where len($case_types::varchar[]) = 0 or list_contains($case_types::varchar[], case_type)
group by grouping sets ((case_type), ())
order by case_type nulls first
