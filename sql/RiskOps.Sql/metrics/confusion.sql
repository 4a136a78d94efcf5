-- confusion: per slice (overall, case type, week, model version, region) from the in-scope daily aggregates
-- (scope_daily) — decisions, labeled cases, TP/FP/TN/FN, precision and recall with 95 % Wilson intervals, F1, accuracy,
-- automation rate and recall on auto-decided cases (weighted audit_sample labels of auto-routed cases) with its n.
with counts as (
    select
        k.dimension,
        slice_of(k.dimension, d.case_type, d.week, d.model_version, d.region) as slice,
        sum(d.decisions)::bigint as decisions,
        sum(d.labeled_cases)::bigint as labeled_cases,
        sum(d.tp)::bigint as tp,
        sum(d.fp)::bigint as fp,
        sum(d.tn)::bigint as tn,
        sum(d.fn)::bigint as fn,
        sum(d.auto_decisions)::bigint as auto_decisions,
        sum(d.audit_tp_weight)::double as audit_tp_weight,
        sum(d.audit_block_weight)::double as audit_block_weight,
        sum(d.audit_block_labels)::bigint as audit_block_labels
    from scope_daily d
    cross join dimensions() k
    group by all
)
select
    dimension,
    slice,
    decisions,
    labeled_cases,
    labeled_cases / nullif(decisions, 0) as label_completeness,
    tp,
    fp,
    tn,
    fn,
    tp / nullif(tp + fp, 0) as precision,
    wilson_low(tp, tp + fp) as precision_ci_low,
    wilson_high(tp, tp + fp) as precision_ci_high,
    tp / nullif(tp + fn, 0) as recall,
    wilson_low(tp, tp + fn) as recall_ci_low,
    wilson_high(tp, tp + fn) as recall_ci_high,
    2 * tp / nullif(2 * tp + fp + fn, 0) as f1,
    (tp + tn) / nullif(tp + fp + tn + fn, 0) as accuracy,
    auto_decisions,
    auto_decisions / nullif(decisions, 0) as automation_rate,
    audit_tp_weight,
    audit_block_weight,
    audit_tp_weight / nullif(audit_block_weight, 0) as recall_auto,
    -- The n of recall on auto-decided cases: its denominator's audit-sample labels, counted unweighted.
    audit_block_labels as recall_auto_n
from counts
order by dimension, slice
