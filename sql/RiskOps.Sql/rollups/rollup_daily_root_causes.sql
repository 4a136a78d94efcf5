-- rollup_daily_root_causes: in-scope cases whose latest label has a type-C (SOP gap) root cause, per case dimensions and
-- root_cause_code — the SOP gap list counts them.
select
    scored_date,
    week,
    case_type,
    model_version,
    region,
    review_vendors,
    root_cause_code,
    count(*) as cases
from scope
where root_cause_type = 'C' and root_cause_code is not null
group by all
order by all
