-- clusters_cases: every error case of one FP/FN pattern cluster (contract §2) — the pool cases its round removed that
-- carry its label: cases of the case type with that label whose signals include all of the cluster's signals and those
-- of no cluster of an earlier round of the same case type and label (the same rule as clusters_details) — with the
-- latest label's root cause, annotation and labeller and the final reviewer, most recent scored_at first (then case_id),
-- one page of them: $offset rows skipped, at most $limit. total = all the cluster's error cases (its support).
-- Reads `scope` (the filtered cases) and the labels view. $clusters: a JSON array of
-- {"n": int, "case_type": text, "label": "FP"|"FN", "rank": int, "signals": [text]} of the cluster's case type and label
-- up to and including it; $n: the cluster's n.
with chosen as (
    select c.n, c.case_type, c.label, c.rank, c.signals
    from (
        select unnest(from_json($clusters::VARCHAR, '[{"n":"INTEGER","case_type":"VARCHAR","label":"VARCHAR","rank":"INTEGER","signals":["VARCHAR"]}]'), recursive := true)
    ) c
),
hits as (
    select c.n, s.case_id, s.scored_at, s.week, s.model_version, s.region, s.confidence, s.label, s.root_cause_type,
        s.root_cause_code, s.final_reviewer_id, s.final_vendor
    from chosen c
    join scope s on s.case_type = c.case_type and s.label = c.label
    where list_has_all(coalesce(s.signals, []), c.signals)
    qualify row_number() over (partition by s.case_id order by c.rank) = 1
),
mine as (
    select *, count(*) over () as total
    from hits
    where n = $n
)
select m.case_id, m.scored_at, m.week, m.model_version, m.region, m.confidence, m.label, m.root_cause_type,
    m.root_cause_code, l.annotation, l.labeled_by, m.final_reviewer_id, m.final_vendor, m.total
from mine m
left join labels l on l.case_id = m.case_id
order by m.scored_at desc, m.case_id
limit $limit offset $offset
