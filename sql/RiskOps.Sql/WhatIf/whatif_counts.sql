-- whatif_counts: the sweep counts of the what-if (docs/analysis.md "What-if"): decided cases in scope per case type,
-- confidence percent and latest label (null = unlabeled). pct = the largest k in 0..100 with k / 100.0 <= confidence,
-- so "confidence >= t" for t = k / 100 is exactly "pct >= k" and any threshold on the 0.01 grid is projected from
-- these counts alone. floor(confidence * 100) can be one off next to an integer (floating point), so the candidates
-- f + 1, f, f - 1 are checked with the very comparison the sweep defines.
select
    case_type,
    greatest(0, least(100, case
        when ((f + 1) / 100.0)::DOUBLE <= confidence then f + 1
        when (f / 100.0)::DOUBLE <= confidence then f
        else f - 1
    end))::INTEGER as pct,
    label,
    count(*) as n
from (select case_type, label, confidence, floor(confidence * 100)::INTEGER as f from scope)
group by all
order by all
