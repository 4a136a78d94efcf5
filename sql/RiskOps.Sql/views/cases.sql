-- cases: one row per decided case — the decision, its UTC date and ISO week, the latest label, the latest review
-- (by assigned_at) and whether that resolved the case. Dates and weeks are derived from epoch microseconds, so neither
-- the reader's TimeZone setting nor the ICU extension changes them.
create or replace view cases as
with latest_review as (
    select case_id, review_id, reviewer_id, reviewer_org, vendor, reviewer_tier, resolved_at, decision
    from reviews
    qualify row_number() over (
        partition by case_id
        order by assigned_at desc, ingested_at desc, batch_id desc, source_line desc, review_id desc
    ) = 1
),
review_facts as (
    select
        case_id,
        count(*) as review_count,
        bool_or(decision = 'escalate' or reviewer_tier in ('senior', 'lead')) as escalated,
        list(distinct vendor order by vendor) filter (where vendor is not null) as review_vendors
    from reviews
    group by case_id
),
joined as (
    select
        d.case_id,
        d.case_type,
        d.scored_at,
        make_timestamp(epoch_us(d.scored_at))::date as scored_date,
        strftime(make_timestamp(epoch_us(d.scored_at)), '%G-W%V') as week,
        d.model_version,
        d.region,
        d.ai_decision,
        d.confidence,
        least(floor(10 * d.confidence), 9)::integer as confidence_bin,
        d.threshold,
        d.routing,
        d.priority,
        d.priority >= 75 as key_user,
        d.user_id,
        d.signals,
        d.experiment,
        d.variant,
        l.label,
        l.label_source,
        l.sample_weight,
        l.root_cause_type,
        l.root_cause_code,
        l.labeled_at,
        coalesce(rf.review_count, 0) as review_count,
        coalesce(rf.escalated, false) as escalated,
        coalesce(rf.review_vendors, []::varchar[]) as review_vendors,
        lr.review_id as final_review_id,
        lr.reviewer_id as final_reviewer_id,
        lr.reviewer_org as final_reviewer_org,
        lr.vendor as final_vendor,
        lr.decision as final_decision,
        lr.resolved_at as final_resolved_at
    from decisions d
    left join labels l on l.case_id = d.case_id
    left join latest_review lr on lr.case_id = d.case_id
    left join review_facts rf on rf.case_id = d.case_id
)
select
    * exclude (final_resolved_at),
    label is not null as labeled,
    case when label is not null then label in ('TP', 'TN') end as correct,
    case when label is not null then label in ('TP', 'FN') end as truth_block,
    routing = 'manual' and coalesce(final_decision in ('pass', 'block'), false) as resolved,
    case when routing = 'manual' and final_decision in ('pass', 'block') then final_resolved_at end as resolved_at,
    case
        when routing = 'manual' and final_decision in ('pass', 'block')
            then (epoch_us(final_resolved_at) - epoch_us(scored_at)) / 3600000000.0::double
    end as resolution_hours
from joined
