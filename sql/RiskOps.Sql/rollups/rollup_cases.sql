-- rollup_cases: the case-grain snapshot — the cases view materialised, so the threshold sweep and the clusters skip the
-- latest-wins resolution and joins over raw Parquet, and the daily rollups are computed from it in one pass. Not
-- sorted: at 100 M cases a global sort would spill tens of GB for no figure's sake.
select * from cases
