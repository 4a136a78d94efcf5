-- calibration_map_cases: every decided, labeled case of the lake per case type and confidence bin — the raw path's
-- input of calibration_map (the rollup path reads the whole, unfiltered daily_calibration rollup instead). The map
-- ignores the filters, so the relation below is the `cases` view, or the call's `scope` when no filter is set (the
-- same rows, already resolved).
select case_type, confidence_bin, count(*) as n, count(*) filter (where correct) as correct
from {{cases}}
where labeled
group by all
