-- scope: the decided cases the filters select, one row per case (columns of the cases view, read through the temp
-- view case_source: the cases view itself, or its rollup snapshot when that is fresh).
-- Lists are OR within a list and AND across lists; an empty list does not restrict. $vendors keeps the cases that have
-- at least one review by one of the vendors.
select c.*
from case_source c
where (len($case_types::varchar[]) = 0 or list_contains($case_types::varchar[], c.case_type))
    and (len($model_versions::varchar[]) = 0 or list_contains($model_versions::varchar[], c.model_version))
    and (len($regions::varchar[]) = 0 or list_contains($regions::varchar[], c.region))
    and (len($weeks::varchar[]) = 0 or list_contains($weeks::varchar[], c.week))
    and ($from::date is null or c.scored_date >= $from::date)
    and ($to::date is null or c.scored_date <= $to::date)
    and (len($vendors::varchar[]) = 0 or list_has_any($vendors::varchar[], c.review_vendors))
