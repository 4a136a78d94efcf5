-- estimates_backtest: per complete UTC ISO week of the cases in scope (issue 15 item 5), the population estimate as it
-- could have been computed at the week's end — only labels ingested by then (raw_labels.ingested_at <= the Monday
-- 00:00 UTC after the week), latest per case among those, and a calibration map built from those same labels over
-- every decided case (unfiltered, case_source) — beside the labelled figures known then and the labelled figures now
-- (every latest label). A week counts only when it ended by $as_of_us. The map falls back as in estimates.sql: per case
-- type and bin with >= 30 labels, else the bin over all case types with >= 30, else the case's own confidence.
with weeks as (
    select distinct
        week,
        epoch_us(date_trunc('week', make_timestamp(epoch_us(scored_at))) + interval 7 day) as cutoff_us
    from scope
),
complete_weeks as (
    select week, cutoff_us from weeks where cutoff_us <= $as_of_us
),
known as (
    select w.week, l.case_id, l.label
    from complete_weeks w
    join raw_labels l on epoch_us(l.ingested_at) <= w.cutoff_us
    qualify row_number() over (
        partition by w.week, l.case_id
        order by l.labeled_at desc, l.ingested_at desc, l.batch_id desc, l.source_line desc
    ) = 1
),
known_cases as (
    select k.week, c.case_type, c.confidence_bin, k.label in ('TP', 'TN') as correct
    from known k
    join case_source c on c.case_id = k.case_id
),
map_type as (
    select week, case_type, confidence_bin, count(*) as n, avg(case when correct then 1.0 else 0.0 end)::double as p
    from known_cases
    group by week, case_type, confidence_bin
),
map_all as (
    select week, confidence_bin, count(*) as n, avg(case when correct then 1.0 else 0.0 end)::double as p
    from known_cases
    group by week, confidence_bin
),
week_cases as (
    select
        s.week,
        s.ai_decision,
        s.labeled as labeled_now,
        s.label as label_now,
        k.label as label_then,
        case
            when k.label is null then coalesce(
                case when mt.n >= 30 then mt.p end,
                case when ma.n >= 30 then ma.p end,
                s.confidence)
        end as p_then
    from scope s
    join complete_weeks w on w.week = s.week
    left join known k on k.week = s.week and k.case_id = s.case_id
    left join map_type mt on mt.week = s.week and mt.case_type = s.case_type and mt.confidence_bin = s.confidence_bin
    left join map_all ma on ma.week = s.week and ma.confidence_bin = s.confidence_bin
)
select
    week,
    count(*) as decisions,
    count(label_then) as labeled_then,
    count(*) filter (where labeled_now) as labeled_now,
    count(*) filter (where label_then = 'TP') as tp_then,
    count(*) filter (where label_then = 'FP') as fp_then,
    count(*) filter (where label_then = 'FN') as fn_then,
    count(*) filter (where label_then in ('TP', 'TN')) as correct_then,
    count(*) filter (where label_now = 'TP') as tp_now,
    count(*) filter (where label_now = 'FP') as fp_now,
    count(*) filter (where label_now = 'FN') as fn_now,
    count(*) filter (where label_now in ('TP', 'TN')) as correct_now,
    coalesce(sum(case when label_then is not null then (label_then = 'TP')::int when ai_decision = 'block' then p_then else 0 end), 0)::double as e_tp,
    coalesce(sum(case when label_then is not null then (label_then = 'FP')::int when ai_decision = 'block' then 1 - p_then else 0 end), 0)::double as e_fp,
    coalesce(sum(case when label_then is not null then (label_then = 'FN')::int when ai_decision = 'pass' then 1 - p_then else 0 end), 0)::double as e_fn,
    coalesce(sum(case when label_then is not null then (label_then in ('TP', 'TN'))::int else p_then end), 0)::double as e_correct
from week_cases
group by week
order by week
