-- rollup_daily_agreement: resolved labeled in-scope cases per case dimensions and the org and vendor of the review that
-- resolved them, with the 2 × 2 counts Cohen's kappa needs (final human block vs true block = label TP or FN).
select
    scored_date,
    week,
    case_type,
    model_version,
    region,
    review_vendors,
    final_reviewer_org,
    final_vendor,
    count(*) as kappa_cases,
    count(*) filter (where (final_decision = 'block') = truth_block) as kappa_agree,
    count(*) filter (where final_decision = 'block') as kappa_human_blocks,
    count(*) filter (where truth_block) as kappa_true_blocks
from scope
where resolved and labeled
group by all
order by all
