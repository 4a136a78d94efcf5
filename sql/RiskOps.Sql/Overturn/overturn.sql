-- overturn: the AI-overturn rate per slice (overall, case_type, week, org, vendor, reviewer) over the cases in scope —
-- the share of resolved manual cases whose final human decision (the latest review by assigned_at, pass or block)
-- differs from the agent's ai_decision, with its n (resolved cases); and, over the overturned cases with a latest
-- label, who was right: the human when the final decision equals the truth (block when the label is TP or FN), else the
-- agent (the two differ, so exactly one of them is right). A case's week is the ISO week of scored_at (UTC); vendor and
-- reviewer are the final review's (in-house final reviews have no vendor row). It reads `scope`, the in-scope cases of
-- the cases view or of the rollup's case snapshot (the same columns), so it answers from either.
with resolved as (
    select
        case_type,
        week,
        final_reviewer_org as org,
        final_vendor as vendor,
        final_reviewer_id as reviewer,
        final_decision <> ai_decision as overturned,
        case when truth_block then 'block' when truth_block is not null then 'pass' end as truth,
        final_decision,
        ai_decision
    from scope
    where resolved
),
facts as (
    select
        case_type, week, org, vendor, reviewer,
        overturned,
        overturned and truth is not null as overturned_labeled,
        overturned and truth = final_decision as human_right,
        overturned and truth = ai_decision as agent_right
    from resolved
),
sliced as (
    select 'overall' as dimension, null::varchar as slice, * from facts
    union all select 'case_type', case_type, * from facts
    union all select 'week', week, * from facts
    union all select 'org', org, * from facts
    union all select 'vendor', vendor, * from facts where vendor is not null
    union all select 'reviewer', reviewer, * from facts
),
counts as (
    select
        dimension,
        slice,
        -- a reviewer's org and vendor, so a reviewer row can be read without the review table
        case when dimension = 'reviewer' then min(org) end as org,
        case when dimension = 'reviewer' then min(vendor) end as vendor,
        count(*)::bigint as resolved_cases,
        count(*) filter (where overturned)::bigint as overturned,
        count(*) filter (where overturned_labeled)::bigint as overturned_labeled,
        count(*) filter (where human_right)::bigint as human_right,
        count(*) filter (where agent_right)::bigint as agent_right
    from sliced
    group by dimension, slice
)
select
    dimension,
    slice,
    org,
    vendor,
    resolved_cases,
    overturned,
    case when resolved_cases > 0 then overturned / resolved_cases::double end as overturn_rate,
    resolved_cases as overturn_rate_n,
    overturned_labeled,
    human_right,
    agent_right,
    case when overturned_labeled > 0 then human_right / overturned_labeled::double end as human_right_rate,
    overturned_labeled as human_right_rate_n
from counts
order by dimension, slice nulls first
