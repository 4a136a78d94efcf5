-- scope_filter: the FILTERS of one metrics call as the single row of the temp table scope_filter, which the rollup
-- scope views (rollup_scope) join; replaced per call, so the views themselves never change.
insert into scope_filter
select $from::date, $to::date, $weeks::varchar[], $case_types::varchar[], $model_versions::varchar[], $regions::varchar[],
    $vendors::varchar[]
