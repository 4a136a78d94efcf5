-- Threshold sweep per case type (contract §2): for t = k / 100.0, k = 50..99, what the pipeline's precision, recall,
-- automation and manual workload would be if cases with confidence >= t kept the agent's decision and cases below t
-- went to a human who is taken to be right. One row per (case_type, k), in case_type then k order.
-- Reads the in-scope rows of two daily rollups (the published rollup's, or the same files' aggregates over the raw
-- case scope): scope_daily_sweep (cases per day, threshold, label and sweep bucket kb — rollup_daily_sweep.sql) and
-- scope_daily_handling (resolved reviews' handling hours with multiplicity). No per-case row is read. $from, $to and
-- $weeks also size the period for capacity, and $vendors picks the reviews whose handling time counts.
-- current_threshold is the threshold of the case type's latest scored case: the one threshold of its latest scored date
-- when that date has one (else null and threshold_ambiguous, and the caller looks that date's cases up).
with bucketed as (
    select case_type, label, kb, sum(cases) as n
    from scope_daily_sweep
    group by all
),
thresholds as (
    -- t is computed from k, never accumulated, so t = 0.7 is exactly the double nearest 0.7.
    select k::INTEGER as k, (k / 100.0)::DOUBLE as t
    from range(50, 100) r(k)
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
    select case_type, min(scored_date) as first_date, max(scored_date) as last_date
    from scope_daily_sweep
    group by case_type
),
latest_thresholds as (
    select s.case_type, count(distinct d.threshold) as thresholds, min(d.threshold) as threshold
    from spans s
    join scope_daily_sweep d on d.case_type = s.case_type and d.scored_date = s.last_date
    group by s.case_type
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
    -- Median handling time of the case type's resolved reviews (of cases in scope; with --vendor, that vendor's
    -- reviews), exact over the values with their multiplicity: the values at the two middle ranks, averaged (median =
    -- quantile_cont 0.5: with N values, ranks floor((N - 1) / 2) and ceil((N - 1) / 2), 0-based).
    select case_type, lo_value + (hi_value - lo_value) * 0.5 as median_hours
    from (
        select
            case_type,
            min(handling_hours) filter (where last_rank >= lo) as lo_value,
            min(handling_hours) filter (where last_rank >= hi) as hi_value
        from (
            select
                case_type,
                handling_hours,
                sum(reviews) over (partition by case_type order by handling_hours rows between unbounded preceding and current row) - 1 as last_rank,
                floor((sum(reviews) over (partition by case_type) - 1) / 2) as lo,
                ceil((sum(reviews) over (partition by case_type) - 1) / 2) as hi
            from (
                select case_type, handling_hours, sum(reviews) as reviews
                from scope_daily_handling
                where handling_hours is not null
                    and (len($vendors::VARCHAR[]) = 0 or list_contains($vendors::VARCHAR[], vendor))
                group by all
            )
        )
        group by case_type
    )
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
    case when lt.thresholds = 1 then lt.threshold end as current_threshold,
    coalesce(lt.thresholds > 1, false) as threshold_ambiguous,
    s.last_date,
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
left join latest_thresholds lt on lt.case_type = w.case_type
left join days dy on dy.case_type = w.case_type
left join handling h on h.case_type = w.case_type
order by w.case_type, w.k
