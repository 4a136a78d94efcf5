-- The example case ids of chosen FP/FN clusters (contract §2): up to five of each cluster's error cases, latest scored_at
-- first, ties by case_id — the one per-case read of the cluster report, narrowed to the scored dates clusters_details.sql
-- found to hold them (so it reads a few days of cases, not the lake). Same cluster rule as clusters_details.sql: a case
-- belongs to the first round's cluster whose signals it carries. Reads `scope` (the filtered cases). $clusters as in
-- clusters_details.sql; $dates: the union of the clusters' example dates.
with chosen as (
    select c.n, c.case_type, c.label, c.rank, c.signals
    from (
        select unnest(from_json($clusters::VARCHAR, '[{"n":"INTEGER","case_type":"VARCHAR","label":"VARCHAR","rank":"INTEGER","signals":["VARCHAR"]}]'), recursive := true)
    ) c
),
scoped as (
    select case_id, case_type, scored_at, signals, label
    from scope
    where label in ('FP', 'FN') and list_contains($dates::DATE[], scored_date)
),
hits as (
    select c.n, s.case_id, s.scored_at
    from chosen c
    join scoped s on s.case_type = c.case_type and s.label = c.label
    where list_has_all(coalesce(s.signals, []), c.signals)
    qualify row_number() over (partition by s.case_id order by c.rank) = 1
)
select n, list(case_id order by scored_at desc, case_id)[1:5] as example_case_ids
from hits
group by n
order by n
