-- reviewer_agreement: per slice (scope_daily) — Cohen's kappa between the final human decision of resolved cases (block
-- or pass) and the ground truth (true block = label TP or FN), over resolved cases with a latest label; null when
-- undefined; slices without such cases have no row.
with pairs as (
    select
        k.dimension,
        slice_of(k.dimension, d.case_type, d.week, d.model_version, d.region) as slice,
        sum(d.kappa_cases)::bigint as kappa_cases,
        sum(d.kappa_agree)::bigint as agree,
        sum(d.kappa_human_blocks)::bigint as human_blocks,
        sum(d.kappa_true_blocks)::bigint as true_blocks
    from scope_daily d
    cross join dimensions() k
    group by all
)
select dimension, slice, kappa_cases, agree, human_blocks, true_blocks,
    cohen_kappa(kappa_cases, agree, human_blocks, true_blocks) as kappa
from pairs
where kappa_cases > 0
order by dimension, slice
