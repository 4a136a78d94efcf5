-- calibration_map (contract §2, v2 — population estimates): for each case type and confidence bin
-- k = least(floor(10 * confidence), 9), the labeled cases n and those labeled TP or TN (correct), over every latest
-- label in the lake whatever the filters; rows with case_type null pool all case types per bin (the fallback when a
-- case type's bin has fewer than 30 labeled cases). The labels placeholder below is a relation of (case_type, confidence_bin, n, correct)
-- counts: the loaded daily_calibration rollup, or calibration_map_cases over the raw views.
select case_type, confidence_bin, sum(n)::bigint as n, sum(correct)::bigint as correct
from {{labels}}
group by grouping sets ((case_type, confidence_bin), (confidence_bin))
