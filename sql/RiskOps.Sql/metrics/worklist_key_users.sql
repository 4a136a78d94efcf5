-- worklist_key_users: manual cases of key users (priority >= 75) the FILTERS select, open or resolved, with no escalation
-- yet — no review decided `escalate` and none was by a senior or lead (the escalated flag of the cases view).
select count(*) as key_users_without_escalation
from cases c
where c.routing = 'manual'
    and c.key_user
    and not c.escalated
    and in_filters(c.case_type, c.model_version, c.region, c.week, c.scored_date,
        $case_types::varchar[], $model_versions::varchar[], $regions::varchar[], $weeks::varchar[], $from::date, $to::date)
    and (len($vendors::varchar[]) = 0 or list_has_any($vendors::varchar[], c.review_vendors))
