-- worklist_open: the open manual cases the FILTERS select (contract §2 "Resolution": the latest review by assigned_at
-- decides neither pass nor block, or there is no review), aged to the as-of instant $as_of_us (epoch microseconds).
-- Read through the cases view with the manual/unresolved predicate first, so only the open backlog is kept. bucket:
-- 'breached' when age > 4 h (the SLA figure's "open older than 4 h"), 'under_1h' when 3 h < age <= 4 h (less than an
-- hour left, none left at exactly 4 h), 'under_2h' when 2 h < age <= 3 h, else 'other' (a case scored after the as-of
-- instant included). vendor/reviewer are the latest review's: its vendor, 'INHOUSE' for an in-house reviewer, and
-- 'unassigned' when the case has no review yet. $vendors keeps cases with any review by one of the vendors (as scope).
select
    c.case_id,
    c.case_type,
    c.priority,
    c.key_user,
    c.escalated,
    c.scored_at,
    $as_of_us - epoch_us(c.scored_at) as age_us,
    case
        when $as_of_us - epoch_us(c.scored_at) > 14400000000 then 'breached'
        when $as_of_us - epoch_us(c.scored_at) > 10800000000 then 'under_1h'
        when $as_of_us - epoch_us(c.scored_at) > 7200000000 then 'under_2h'
        else 'other'
    end as bucket,
    case
        when c.final_review_id is null then 'unassigned'
        when c.final_vendor is not null then c.final_vendor
        else coalesce(c.final_reviewer_org, 'unassigned')
    end as vendor,
    coalesce(c.final_reviewer_id, 'unassigned') as reviewer
from cases c
where c.routing = 'manual'
    and not c.resolved
    and in_filters(c.case_type, c.model_version, c.region, c.week, c.scored_date,
        $case_types::varchar[], $model_versions::varchar[], $regions::varchar[], $weeks::varchar[], $from::date, $to::date)
    and (len($vendors::varchar[]) = 0 or list_has_any($vendors::varchar[], c.review_vendors))
