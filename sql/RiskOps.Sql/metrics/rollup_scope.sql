-- rollup_scope: the rows of one published daily rollup table ({{table}}, a read_parquet of the fresh rollup version)
-- that the filters select. Every rollup row carries the case dimensions (scored_date, week, case_type, model_version,
-- region), so the same predicate as the case scope applies; vendors are not a rollup dimension (the case scope is used).
select r.*
from {{table}} r
where in_filters(r.case_type, r.model_version, r.region, r.week, r.scored_date,
    $case_types::varchar[], $model_versions::varchar[], $regions::varchar[], $weeks::varchar[], $from::date, $to::date)
