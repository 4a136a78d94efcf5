-- worklist_summary: counts of the open manual cases in worklist_open per SLA bucket, overall and per case type, vendor
-- and reviewer (the latest review's), largest breached count first within a dimension, ties by key.
select
    k.dimension,
    case k.dimension when 'case_type' then o.case_type when 'vendor' then o.vendor when 'reviewer' then o.reviewer end as key,
    count(*) filter (where o.bucket = 'breached') as breached,
    count(*) filter (where o.bucket = 'under_1h') as under_1h,
    count(*) filter (where o.bucket = 'under_2h') as under_2h,
    count(*) filter (where o.bucket = 'other') as other,
    count(*) as open_total
from worklist_open o
cross join (select unnest(['overall', 'case_type', 'vendor', 'reviewer']) as dimension) k
group by all
order by k.dimension, breached desc, under_1h desc, under_2h desc, open_total desc, key
