-- clusters_trend: per cluster and UTC ISO week of the scope, the error cases its pattern catches under the cluster rule
-- of contract §2 (the same rule as clusters_details): cases of the case type with the cluster's label whose signals
-- include all of its signals and those of no cluster of an earlier round of the same case type and label. Over the week
-- the clusters were found in this is exactly each cluster's support; over the weeks before it, how often the same
-- pattern caught errors then (the pack's 8-week cluster trend). Weeks without a case are absent.
-- Reads the in-scope rows of scope_daily_signal_sets (labeled cases per day, label and signal set). $clusters: a JSON
-- array of {"n": int, "case_type": text, "label": "FP"|"FN", "rank": int, "signals": [text]}, every round of each case
-- type and label up to the clusters asked for; n identifies each entry in the answer.
with groups as (
    select row_number() over () as g, week, case_type, label, signals, cases
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
    select c.n, s.week, s.cases
    from chosen c
    join groups s on s.case_type = c.case_type and s.label = c.label
    where list_has_all(s.signals, c.signals)
    qualify row_number() over (partition by s.g order by c.rank) = 1
)
select n, week, sum(cases)::BIGINT as errors
from hits
group by all
order by all
