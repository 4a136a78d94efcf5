-- experiments_arms: per A/B arm — (experiment, variant) over all case types (case_type null) and per
-- (experiment, case_type, variant) — the counts behind contract §2 "A/B comparisons", over the cases in scope.
-- Weighted labels: a latest label from `review` weighs 1 or its sample_weight, from `audit_sample` its sample_weight
-- (default 1); other sources (outcome-triggered) weigh nothing. w_* are Σw and w2_* Σw² per label, so the caller gets
-- precision/recall_weighted and their effective n = (Σw)²/Σw². e_* are the population-estimate expected counts: a
-- labeled case counts its label, an unlabeled one its calibration-map share p (block: p to TP, 1 - p to FP; pass: p to
-- TN, 1 - p to FN). The map is over every latest label of case_source (the unfiltered cases): per case type and
-- confidence bin with at least 30 labeled cases, else the bin over all case types with at least 30, else the case's own
-- confidence. SLA: resolved within 4 h over resolved plus open manual cases scored more than 4 h before $as_of_us.
-- first_scored_us: the arm's first scored_at (epoch µs), the start of an unregistered experiment's guard rails.
-- Cases without an experiment, or with an experiment but no variant (a contract break), belong to no arm.
with map_type as (
    select case_type, confidence_bin, count(*) as n, avg(case when correct then 1.0 else 0.0 end)::double as p
    from case_source
    where labeled
    group by case_type, confidence_bin
),
map_all as (
    select confidence_bin, count(*) as n, avg(case when correct then 1.0 else 0.0 end)::double as p
    from case_source
    where labeled
    group by confidence_bin
),
arm_cases as (
    select
        s.experiment,
        s.variant,
        s.case_type,
        s.routing,
        s.ai_decision,
        s.labeled,
        s.label,
        s.resolved,
        s.resolution_hours,
        s.scored_at,
        case when s.labeled and s.label_source in ('review', 'audit_sample') then coalesce(s.sample_weight, 1.0)::double end as w,
        case
            when not s.labeled then coalesce(
                case when mt.n >= 30 then mt.p end,
                case when ma.n >= 30 then ma.p end,
                s.confidence)
        end as p_est
    from scope s
    left join map_type mt on mt.case_type = s.case_type and mt.confidence_bin = s.confidence_bin
    left join map_all ma on ma.confidence_bin = s.confidence_bin
    where s.experiment is not null and s.variant is not null
)
select
    experiment,
    case when grouping(case_type) = 1 then null else case_type end as case_type,
    variant,
    count(*) as decisions,
    min(epoch_us(scored_at)) as first_scored_us,
    count(*) filter (where labeled) as labeled_cases,
    count(*) filter (where routing = 'auto') as auto_decisions,
    count(*) filter (where routing = 'manual' and resolved and resolution_hours <= 4) as sla_met,
    count(*) filter (where routing = 'manual' and resolved)
        + count(*) filter (where routing = 'manual' and not resolved and epoch_us(scored_at) < $as_of_us - 14400000000) as sla_denominator,
    coalesce(sum(w) filter (where label = 'TP'), 0)::double as w_tp,
    coalesce(sum(w * w) filter (where label = 'TP'), 0)::double as w2_tp,
    coalesce(sum(w) filter (where label = 'FP'), 0)::double as w_fp,
    coalesce(sum(w * w) filter (where label = 'FP'), 0)::double as w2_fp,
    coalesce(sum(w) filter (where label = 'FN'), 0)::double as w_fn,
    coalesce(sum(w * w) filter (where label = 'FN'), 0)::double as w2_fn,
    coalesce(sum(case
        when labeled then (label = 'TP')::int
        when ai_decision = 'block' then p_est
        else 0 end), 0)::double as e_tp,
    coalesce(sum(case
        when labeled then (label = 'FP')::int
        when ai_decision = 'block' then 1 - p_est
        else 0 end), 0)::double as e_fp,
    coalesce(sum(case
        when labeled then (label = 'FN')::int
        when ai_decision = 'pass' then 1 - p_est
        else 0 end), 0)::double as e_fn
from arm_cases
group by grouping sets ((experiment, variant), (experiment, case_type, variant))
order by experiment, case_type nulls first, variant
