-- confusion: per slice — decisions, labeled cases, TP/FP/TN/FN, precision and recall with 95 % Wilson intervals, F1,
-- accuracy, automation rate and recall on auto-decided cases (weighted audit_sample labels of auto-routed cases).
with counts as (
    select
        dimension,
        slice,
        count(*) as decisions,
        count(*) filter (where labeled) as labeled_cases,
        count(*) filter (where label = 'TP') as tp,
        count(*) filter (where label = 'FP') as fp,
        count(*) filter (where label = 'TN') as tn,
        count(*) filter (where label = 'FN') as fn,
        count(*) filter (where routing = 'auto') as auto_decisions,
        coalesce(sum(coalesce(sample_weight, 1.0)) filter (
            where routing = 'auto' and label_source = 'audit_sample' and label = 'TP'), 0)::double as audit_tp_weight,
        coalesce(sum(coalesce(sample_weight, 1.0)) filter (
            where routing = 'auto' and label_source = 'audit_sample' and label in ('TP', 'FN')), 0)::double as audit_block_weight
    from scope_slices
    group by dimension, slice
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
    audit_tp_weight / nullif(audit_block_weight, 0) as recall_auto
from counts
order by dimension, slice
