-- Threshold sweep per case type (contract §2): for t = k / 100.0, k = 50..99, what the pipeline's precision, recall,
-- automation and manual workload would be if cases with confidence >= t kept the agent's decision and cases below t
-- went to a human who is taken to be right. One row per (case_type, k), in case_type then k order.
-- Reads `scope` (the filtered cases, metrics/scope.sql); $from, $to and $weeks also size the period for capacity, and
-- $vendors picks the reviews whose handling time counts.
with scoped as (
    select case_id, case_type, scored_at, scored_date, confidence, threshold, label
    from scope
),
thresholds as (
    -- t is computed from k, never accumulated, so t = 0.7 is exactly the double nearest 0.7.
    select k::INTEGER as k, (k / 100.0)::DOUBLE as t
    from range(50, 100) r(k)
),
bucketed as (
    -- kb = the largest k in 50..99 with k / 100.0 <= confidence (49 when none), so "confidence >= t" is "kb >= k" and the
    -- sweep needs one pass over the cases instead of fifty. floor(confidence * 100) can be one off next to an integer
    -- (floating point), so the candidates f + 1, f, f - 1 are checked with the very comparison the sweep defines.
    select
        case_type,
        label,
        greatest(49, least(99, case
            when ((f + 1) / 100.0)::DOUBLE <= confidence then f + 1
            when (f / 100.0)::DOUBLE <= confidence then f
            else f - 1
        end)) as kb,
        count(*) as n
    from (select case_type, label, confidence, floor(confidence * 100)::INTEGER as f from scoped)
    group by all
),
labeled_sweep as (
    select
        b.case_type,
        t.k,
        coalesce(sum(b.n) filter (where b.label is not null), 0) as labeled_cases,
        coalesce(sum(b.n) filter (where b.kb >= t.k and b.label = 'TP'), 0) as tp_auto,
        coalesce(sum(b.n) filter (where b.kb >= t.k and b.label = 'FP'), 0) as fp_auto,
        coalesce(sum(b.n) filter (where b.kb < t.k and b.label in ('TP', 'FN')), 0) as blocks_manual,
        coalesce(sum(b.n) filter (where b.label in ('TP', 'FN')), 0) as true_blocks,
        coalesce(sum(b.n) filter (where b.kb >= t.k and b.label is not null), 0) as auto_labeled,
        -- Capacity counts every decision of the case type, labeled or not.
        coalesce(sum(b.n) filter (where b.kb < t.k), 0) as manual_cases,
        sum(b.n) as decisions
    from bucketed b
    cross join thresholds t
    group by b.case_type, t.k
),
spans as (
    select
        case_type,
        min(scored_date) as first_date,
        max(scored_date) as last_date,
        first(threshold order by scored_at desc, case_id desc) as current_threshold
    from scoped
    group by case_type
),
days as (
    -- The period's days: the --from/--to bounds when given, else the case type's first and last scored_at date (UTC),
    -- inclusive; with --week only the dates of those ISO weeks count.
    select
        s.case_type,
        count(*) filter (where len($weeks::VARCHAR[]) = 0 or list_contains($weeks::VARCHAR[], strftime(g.d, '%G-W%V'))) as days
    from spans s,
        lateral (select unnest(generate_series(coalesce($from::DATE, s.first_date)::TIMESTAMP, coalesce($to::DATE, s.last_date)::TIMESTAMP, interval 1 day)) as d) g
    group by s.case_type
),
handling as (
    -- Median handling time of the case type's resolved reviews (of cases in scope; with --vendor, that vendor's reviews).
    -- review_source: resolved reviews with handling_hours (rollup_case_reviews.sql; the rollup's copy when fresh).
    select
        c.case_type,
        median(r.handling_hours) as median_hours
    from review_source r
    join scoped c on c.case_id = r.case_id
    where len($vendors::VARCHAR[]) = 0 or list_contains($vendors::VARCHAR[], r.vendor)
    group by c.case_type
)
select
    w.case_type,
    w.k,
    t.t as threshold,
    w.labeled_cases,
    w.tp_auto,
    w.fp_auto,
    w.blocks_manual,
    w.true_blocks,
    w.decisions,
    w.manual_cases,
    s.current_threshold,
    coalesce(dy.days, 0) as days,
    h.median_hours,
    (w.tp_auto + w.blocks_manual) / nullif(w.tp_auto + w.fp_auto + w.blocks_manual, 0)::DOUBLE as precision,
    (w.tp_auto + w.blocks_manual) / nullif(w.true_blocks, 0)::DOUBLE as recall,
    w.auto_labeled / nullif(w.labeled_cases, 0)::DOUBLE as automation,
    w.manual_cases / nullif(dy.days, 0)::DOUBLE as manual_cases_per_day,
    w.manual_cases / nullif(dy.days, 0)::DOUBLE * h.median_hours as reviewer_hours_per_day,
    -- The targets in exact integer arithmetic: precision > 0.95 ⇔ 20·hits > 19·den, recall > 0.99 ⇔ 100·hits > 99·den.
    coalesce(
        20 * (w.tp_auto + w.blocks_manual) > 19 * (w.tp_auto + w.fp_auto + w.blocks_manual)
        and 100 * (w.tp_auto + w.blocks_manual) > 99 * w.true_blocks
        and w.true_blocks > 0,
        false) as meets_targets
from labeled_sweep w
join thresholds t on t.k = w.k
join spans s on s.case_type = w.case_type
left join days dy on dy.case_type = w.case_type
left join handling h on h.case_type = w.case_type
order by w.case_type, w.k
