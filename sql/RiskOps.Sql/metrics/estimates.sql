-- estimates (contract §2, v2 — population estimates): per slice, the expected confusion counts over every decided
-- case in scope — a labeled case counts its label; an unlabeled block adds p to TP and 1 − p to FP, an unlabeled pass
-- p to TN and 1 − p to FN — and precision_est, recall_est, accuracy_est from them. p is the calibration map's share
-- of correct labels of the case's (case type, bin) when at least 30 labeled cases back it, else that of the bin over
-- all case types when those are at least 30, else the case's own confidence. Reads scope_daily (labeled counts),
-- scope_daily_unlabeled and scope_calibration_map (calibration_map.sql, unfiltered).
with expected as (
    select
        u.case_type,
        u.week,
        u.model_version,
        u.region,
        u.ai_decision,
        sum(u.cases)::double as cases,
        sum(case
            when t.n >= 30 then u.cases * (t.correct::double / t.n)
            when a.n >= 30 then u.cases * (a.correct::double / a.n)
            else u.confidence_sum
        end) as expected_correct
    from scope_daily_unlabeled u
    left join scope_calibration_map t on t.case_type = u.case_type and t.confidence_bin = u.confidence_bin
    left join scope_calibration_map a on a.case_type is null and a.confidence_bin = u.confidence_bin
    group by all
),
unlabeled as (
    select
        k.dimension,
        slice_of(k.dimension, e.case_type, e.week, e.model_version, e.region) as slice,
        coalesce(sum(e.expected_correct) filter (where e.ai_decision = 'block'), 0) as tp_add,
        coalesce(sum(e.cases - e.expected_correct) filter (where e.ai_decision = 'block'), 0) as fp_add,
        coalesce(sum(e.expected_correct) filter (where e.ai_decision = 'pass'), 0) as tn_add,
        coalesce(sum(e.cases - e.expected_correct) filter (where e.ai_decision = 'pass'), 0) as fn_add
    from expected e
    cross join dimensions() k
    group by all
),
labeled as (
    select
        k.dimension,
        slice_of(k.dimension, d.case_type, d.week, d.model_version, d.region) as slice,
        sum(d.tp)::double as tp,
        sum(d.fp)::double as fp,
        sum(d.tn)::double as tn,
        sum(d.fn)::double as fn
    from scope_daily d
    cross join dimensions() k
    group by all
),
counts as (
    select
        l.dimension,
        l.slice,
        l.tp + coalesce(u.tp_add, 0) as tp_est,
        l.fp + coalesce(u.fp_add, 0) as fp_est,
        l.tn + coalesce(u.tn_add, 0) as tn_est,
        l.fn + coalesce(u.fn_add, 0) as fn_est
    from labeled l
    left join unlabeled u on u.dimension = l.dimension and u.slice is not distinct from l.slice
)
select
    dimension,
    slice,
    tp_est,
    fp_est,
    tn_est,
    fn_est,
    tp_est / nullif(tp_est + fp_est, 0) as precision_est,
    tp_est / nullif(tp_est + fn_est, 0) as recall_est,
    (tp_est + tn_est) / nullif(tp_est + fp_est + tn_est + fn_est, 0) as accuracy_est
from counts
order by dimension, slice
