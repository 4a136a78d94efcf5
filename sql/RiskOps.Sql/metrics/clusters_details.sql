-- Details of chosen FP/FN pattern clusters (contract §2): for each cluster, over its error cases (the pool cases it
-- removed that carry its label: cases of the case type with that label whose signals include all of the cluster's
-- signals and those of no cluster of an earlier round of the same case type and label — clusters are disjoint): the most frequent
-- root_cause_type (ties: alphabetical), the most frequent root_cause_code among the cases with that type (ties:
-- alphabetical), five example case ids (most recent scored_at first, then case_id) and the count per ISO week (UTC) of
-- scored_at. One row per cluster, in cluster number order.
-- Reads `scope` (the filtered cases, metrics/scope.sql). Parameter $clusters: a JSON array of
-- {"n": int, "case_type": text, "label": "FP"|"FN", "rank": int, "signals": [text]}.
with scoped as (
    select case_id, case_type, scored_at, week, signals, label, root_cause_type, root_cause_code
    from scope
    where label in ('FP', 'FN')
),
chosen as (
    select c.n, c.case_type, c.label, c.rank, c.signals
    from (
        select unnest(from_json($clusters::VARCHAR, '[{"n":"INTEGER","case_type":"VARCHAR","label":"VARCHAR","rank":"INTEGER","signals":["VARCHAR"]}]'), recursive := true)
    ) c
),
hits as (
    -- A case belongs to the first round's cluster whose signals it carries: that round removed it from the pool.
    select c.n, s.case_id, s.scored_at, s.week, s.root_cause_type, s.root_cause_code
    from chosen c
    join scoped s on s.case_type = c.case_type and s.label = c.label
    where list_has_all(coalesce(s.signals, []), c.signals)
    qualify row_number() over (partition by s.case_id order by c.rank) = 1
),
cause_types as (
    select n, root_cause_type, count(*) as cases,
        row_number() over (partition by n order by count(*) desc, root_cause_type) as position
    from hits
    where root_cause_type is not null
    group by n, root_cause_type
),
cause_codes as (
    select h.n, h.root_cause_code, count(*) as cases,
        row_number() over (partition by h.n order by count(*) desc, h.root_cause_code) as position
    from hits h
    join cause_types t on t.n = h.n and t.position = 1 and t.root_cause_type = h.root_cause_type
    where h.root_cause_code is not null
    group by h.n, h.root_cause_code
),
examples as (
    select n, list(case_id order by scored_at desc, case_id)[1:5] as example_case_ids
    from hits
    group by n
),
weekly as (
    select n, list(week order by week) as weeks, list(cases order by week) as week_counts
    from (
        select n, week, count(*) as cases
        from hits
        group by all
    )
    group by n
)
select
    c.n,
    t.root_cause_type,
    k.root_cause_code,
    coalesce(x.example_case_ids, []::VARCHAR[]) as example_case_ids,
    coalesce(w.weeks, []::VARCHAR[]) as weeks,
    coalesce(w.week_counts, []::BIGINT[]) as week_counts
from chosen c
left join cause_types t on t.n = c.n and t.position = 1
left join cause_codes k on k.n = c.n and k.position = 1
left join examples x on x.n = c.n
left join weekly w on w.n = c.n
order by c.n
