-- scope: the decided cases the filters select, one row per case (columns of the cases view, read through the temp
-- view case_source: the cases view itself, or its rollup snapshot when that is fresh).
-- $vendors keeps the cases that have at least one review by one of the vendors.
select c.*
from case_source c
where in_filters(c.case_type, c.model_version, c.region, c.week, c.scored_date,
        $case_types::varchar[], $model_versions::varchar[], $regions::varchar[], $weeks::varchar[], $from::date, $to::date)
    and (len($vendors::varchar[]) = 0 or list_has_any($vendors::varchar[], c.review_vendors))
