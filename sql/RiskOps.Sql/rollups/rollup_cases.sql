-- rollup_cases: the case-grain snapshot — the cases view materialised, so metrics skip the latest-wins resolution and
-- joins over raw Parquet. Every figure is re-computed exactly from it by the same metric files.
select * from cases order by scored_at, case_id
