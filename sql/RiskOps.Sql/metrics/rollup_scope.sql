-- rollup_scope: the rows of one published daily rollup table ({{table}}, a read_parquet of the fresh rollup version)
-- that the filters select. Every daily rollup row carries the case dimensions (scored_date, week, case_type,
-- model_version, region, review_vendors), so the same predicates as the case scope apply.
select r.*
from {{table}} r
where in_filters(r.case_type, r.model_version, r.region, r.week, r.scored_date,
        $case_types::varchar[], $model_versions::varchar[], $regions::varchar[], $weeks::varchar[], $from::date, $to::date)
    and (len($vendors::varchar[]) = 0 or list_has_any($vendors::varchar[], r.review_vendors))
