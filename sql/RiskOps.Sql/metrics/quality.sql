-- quality: decision accuracy (QA audits correct / all) per reviewer org, vendor, reviewer and week of the audited
-- review's resolved_at (scope_daily_audits), and Cohen's kappa (final human decision vs ground truth) per org and vendor
-- of the review that resolved the case (scope_daily_agreement).
with accuracy as (
    select 'org' as dimension, reviewer_org as value, reviewer_org as org, null::varchar as vendor,
        sum(qa_audits)::bigint as qa_audits, sum(qa_correct)::bigint as correct
    from scope_daily_audits
    group by reviewer_org
    union all
    select 'vendor', vendor, 'BPO', vendor, sum(qa_audits)::bigint, sum(qa_correct)::bigint
    from scope_daily_audits
    where vendor is not null
    group by vendor
    union all
    select 'reviewer', reviewer_id, min(reviewer_org), min(vendor), sum(qa_audits)::bigint, sum(qa_correct)::bigint
    from scope_daily_audits
    group by reviewer_id
    union all
    select 'week', review_week, null, null, sum(qa_audits)::bigint, sum(qa_correct)::bigint
    from scope_daily_audits
    group by review_week
),
agreement as (
    select 'org' as dimension, final_reviewer_org as value, sum(kappa_cases)::bigint as n,
        sum(kappa_agree)::bigint as agree,
        sum(kappa_human_blocks)::bigint as human_blocks,
        sum(kappa_true_blocks)::bigint as true_blocks
    from scope_daily_agreement
    group by final_reviewer_org
    union all
    select 'vendor', final_vendor, sum(kappa_cases)::bigint, sum(kappa_agree)::bigint,
        sum(kappa_human_blocks)::bigint, sum(kappa_true_blocks)::bigint
    from scope_daily_agreement
    where final_vendor is not null
    group by final_vendor
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
