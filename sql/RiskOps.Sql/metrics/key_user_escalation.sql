-- key_user_escalation: per slice — manual cases of key users (priority >= 75, open ones included) with a review that
-- escalated or a review by a senior or lead, over all such cases.
select
    dimension,
    slice,
    count(*) as key_user_cases,
    count(*) filter (where escalated) as key_user_escalated,
    count(*) filter (where escalated) / nullif(count(*), 0) as key_user_escalation_compliance
from scope_slices
where routing = 'manual' and key_user
group by dimension, slice
order by dimension, slice
