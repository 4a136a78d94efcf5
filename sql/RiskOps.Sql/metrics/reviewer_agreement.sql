-- reviewer_agreement: per slice — Cohen's kappa between the final human decision of resolved cases (block or pass) and
-- the ground truth (true block = label TP or FN), over resolved cases with a latest label; null when undefined.
with pairs as (
    select
        dimension,
        slice,
        count(*) as kappa_cases,
        count(*) filter (where (final_decision = 'block') = truth_block) as agree,
        count(*) filter (where final_decision = 'block') as human_blocks,
        count(*) filter (where truth_block) as true_blocks
    from scope_slices
    where resolved and labeled
    group by dimension, slice
)
select dimension, slice, kappa_cases, agree, human_blocks, true_blocks,
    cohen_kappa(kappa_cases, agree, human_blocks, true_blocks) as kappa
from pairs
order by dimension, slice
