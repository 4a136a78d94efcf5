-- Details of chosen FP/FN pattern clusters (contract §2): for each cluster, over its error cases (the pool cases it
-- removed that carry its label: cases of the case type with that label whose signals include all of the cluster's
-- signals and those of no cluster of an earlier round of the same case type and label — clusters are disjoint): the most
-- frequent root_cause_type (ties: alphabetical), the most frequent root_cause_code among the cases with that type (ties:
-- alphabetical), the count per ISO week (UTC) of scored_at, and the latest scored dates that hold its five most recent
-- error cases (example_dates: where clusters_examples.sql looks the example ids up). One row per cluster, in cluster
-- number order. Reads the in-scope rows of scope_daily_signal_sets (labeled cases per day, label, signal set and root
-- cause); no per-case row. Parameter $clusters: a JSON array of
-- {"n": int, "case_type": text, "label": "FP"|"FN", "rank": int, "signals": [text]}.
with groups as (
    select row_number() over () as g, scored_date, week, case_type, label, signals, root_cause_type, root_cause_code, cases
    from scope_daily_signal_sets
    where label in ('FP', 'FN')
),
chosen as (
    select c.n, c.case_type, c.label, c.rank, c.signals
    from (
        select unnest(from_json($clusters::VARCHAR, '[{"n":"INTEGER","case_type":"VARCHAR","label":"VARCHAR","rank":"INTEGER","signals":["VARCHAR"]}]'), recursive := true)
    ) c
),
hits as (
    -- A group of cases belongs to the first round's cluster whose signals it carries: that round removed it from the pool.
    select c.n, s.scored_date, s.week, s.root_cause_type, s.root_cause_code, s.cases
    from chosen c
    join groups s on s.case_type = c.case_type and s.label = c.label
    where list_has_all(s.signals, c.signals)
    qualify row_number() over (partition by s.g order by c.rank) = 1
),
cause_types as (
    select n, root_cause_type, sum(cases) as cases,
        row_number() over (partition by n order by sum(cases) desc, root_cause_type) as position
    from hits
    where root_cause_type is not null
    group by n, root_cause_type
),
cause_codes as (
    select h.n, h.root_cause_code, sum(h.cases) as cases,
        row_number() over (partition by h.n order by sum(h.cases) desc, h.root_cause_code) as position
    from hits h
    join cause_types t on t.n = h.n and t.position = 1 and t.root_cause_type = h.root_cause_type
    where h.root_cause_code is not null
    group by h.n, h.root_cause_code
),
dates as (
    -- Per cluster, its dates newest first with the error cases on the later dates: a date is needed while fewer than five
    -- cases lie after it.
    select n, scored_date, sum(sum(cases)) over (partition by n order by scored_date desc rows between unbounded preceding and 1 preceding) as later
    from hits
    group by n, scored_date
),
examples as (
    select n, list(scored_date order by scored_date desc) as example_dates
    from dates
    where coalesce(later, 0) < 5
    group by n
),
weekly as (
    select n, list(week order by week) as weeks, list(cases order by week) as week_counts
    from (
        select n, week, sum(cases)::BIGINT as cases
        from hits
        group by all
    )
    group by n
)
select
    c.n,
    t.root_cause_type,
    k.root_cause_code,
    coalesce(x.example_dates, []::DATE[]) as example_dates,
    coalesce(w.weeks, []::VARCHAR[]) as weeks,
    coalesce(w.week_counts, []::BIGINT[]) as week_counts
from chosen c
left join cause_types t on t.n = c.n and t.position = 1
left join cause_codes k on k.n = c.n and k.position = 1
left join examples x on x.n = c.n
left join weekly w on w.n = c.n
order by c.n
