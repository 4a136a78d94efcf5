-- key_user_escalation: per slice (scope_daily) — manual cases of key users (priority >= 75, open ones included) with a
-- review that escalated or a review by a senior or lead, over all such cases; slices without key users have no row.
select
    k.dimension,
    slice_of(k.dimension, d.case_type, d.week, d.model_version, d.region) as slice,
    sum(d.key_user_cases)::bigint as key_user_cases,
    sum(d.key_user_escalated)::bigint as key_user_escalated,
    sum(d.key_user_escalated) / nullif(sum(d.key_user_cases), 0) as key_user_escalation_compliance
from scope_daily d
cross join dimensions() k
group by all
having sum(d.key_user_cases) > 0
order by all
