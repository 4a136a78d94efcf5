-- quality: decision accuracy (QA audits correct / all) per reviewer org, vendor, reviewer and week of the audited
-- review's resolved_at, and Cohen's kappa (final human decision vs ground truth) per org and vendor of the review that
-- resolved the case.
with accuracy as (
    select 'org' as dimension, reviewer_org as value, reviewer_org as org, null::varchar as vendor,
        count(*) as qa_audits, count(*) filter (where verdict = 'correct') as correct
    from scope_audits
    group by reviewer_org
    union all
    select 'vendor', vendor, 'BPO', vendor, count(*), count(*) filter (where verdict = 'correct')
    from scope_audits
    where vendor is not null
    group by vendor
    union all
    select 'reviewer', reviewer_id, min(reviewer_org), min(vendor), count(*), count(*) filter (where verdict = 'correct')
    from scope_audits
    group by reviewer_id
    union all
    select 'week', review_week, null, null, count(*), count(*) filter (where verdict = 'correct')
    from scope_audits
    group by review_week
),
pairs as (
    select final_reviewer_org as org, final_vendor as vendor, final_decision = 'block' as human_block, truth_block
    from scope
    where resolved and labeled
),
agreement as (
    select 'org' as dimension, org as value, count(*) as n,
        count(*) filter (where human_block = truth_block) as agree,
        count(*) filter (where human_block) as human_blocks,
        count(*) filter (where truth_block) as true_blocks
    from pairs
    group by org
    union all
    select 'vendor', vendor, count(*), count(*) filter (where human_block = truth_block),
        count(*) filter (where human_block), count(*) filter (where truth_block)
    from pairs
    where vendor is not null
    group by vendor
)
select
    coalesce(a.dimension, g.dimension) as dimension,
    coalesce(a.value, g.value) as value,
    case coalesce(a.dimension, g.dimension)
        when 'org' then coalesce(a.value, g.value)
        when 'vendor' then 'BPO'
        else a.org
    end as org,
    case coalesce(a.dimension, g.dimension) when 'vendor' then coalesce(a.value, g.value) else a.vendor end as vendor,
    coalesce(a.qa_audits, 0) as qa_audits,
    coalesce(a.correct, 0) as correct,
    a.correct / nullif(a.qa_audits, 0) as decision_accuracy,
    coalesce(g.n, 0) as kappa_cases,
    cohen_kappa(g.n, g.agree, g.human_blocks, g.true_blocks) as kappa
from accuracy a
full join agreement g on g.dimension = a.dimension and g.value is not distinct from a.value
order by
    case coalesce(a.dimension, g.dimension) when 'org' then 1 when 'vendor' then 2 when 'reviewer' then 3 else 4 end,
    coalesce(a.value, g.value) nulls last
