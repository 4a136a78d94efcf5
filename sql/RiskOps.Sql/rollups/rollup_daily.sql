-- rollup_daily: additive daily aggregates of the in-scope cases (temp relations scope and scope_audits) per case
-- dimensions: UTC scored date, ISO week, case type, model version, region and review_vendors (the sorted vendors that
-- reviewed the case, [] for none — a vendor filter keeps the rows whose list has one of its vendors). Every daily_*
-- rollup has these dimension columns. Every other column is a count or a sum, so any range of days and any coarser
-- slice is their sum; ratios are formed after summing (e.g. precision = sum(tp) / (sum(tp) + sum(fp))). qa_audits and
-- qa_correct count every audit of the day's cases (per-vendor audit counts are in daily_audits).
-- Published as <lake>/_rollups/<version>/daily.parquet (built over all cases); metrics read it back filtered by scope.
with audits as (
    select case_id, count(*) as qa_audits, count(*) filter (where verdict = 'correct') as qa_correct
    from scope_audits
    group by case_id
)
select
    c.scored_date,
    c.week,
    c.case_type,
    c.model_version,
    c.region,
    c.review_vendors,
    count(*) as decisions,
    count(*) filter (where c.routing = 'auto') as auto_decisions,
    count(*) filter (where c.labeled) as labeled_cases,
    count(*) filter (where c.label = 'TP') as tp,
    count(*) filter (where c.label = 'FP') as fp,
    count(*) filter (where c.label = 'TN') as tn,
    count(*) filter (where c.label = 'FN') as fn,
    coalesce(sum(coalesce(c.sample_weight, 1.0)) filter (
        where c.routing = 'auto' and c.label_source = 'audit_sample' and c.label = 'TP'), 0)::double as audit_tp_weight,
    coalesce(sum(coalesce(c.sample_weight, 1.0)) filter (
        where c.routing = 'auto' and c.label_source = 'audit_sample' and c.label in ('TP', 'FN')), 0)::double as audit_block_weight,
    count(*) filter (where c.routing = 'auto' and c.label_source = 'audit_sample' and c.label in ('TP', 'FN')) as audit_block_labels,
    count(*) filter (where c.routing = 'manual') as manual_cases,
    count(*) filter (where c.resolved) as resolved_cases,
    count(*) filter (where c.resolved and c.resolution_hours <= 4) as sla_met,
    count(*) filter (where c.routing = 'manual' and c.key_user) as key_user_cases,
    count(*) filter (where c.routing = 'manual' and c.key_user and c.escalated) as key_user_escalated,
    count(*) filter (where c.resolved and c.labeled) as kappa_cases,
    count(*) filter (where c.resolved and c.labeled and (c.final_decision = 'block') = c.truth_block) as kappa_agree,
    count(*) filter (where c.resolved and c.labeled and c.final_decision = 'block') as kappa_human_blocks,
    count(*) filter (where c.resolved and c.labeled and c.truth_block) as kappa_true_blocks,
    coalesce(sum(c.confidence) filter (where c.labeled), 0)::double as labeled_confidence_sum,
    count(*) filter (where c.correct) as labeled_correct,
    coalesce(sum((c.confidence - case when c.correct then 1.0 else 0.0 end::double) ** 2) filter (where c.labeled), 0)::double as squared_error_sum,
    coalesce(sum(a.qa_audits), 0)::bigint as qa_audits,
    coalesce(sum(a.qa_correct), 0)::bigint as qa_correct
from scope c
left join audits a on a.case_id = c.case_id
group by all
order by all
