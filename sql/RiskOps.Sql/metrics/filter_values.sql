-- filter_values: the distinct values a filter can take, one row per (dimension, value), read from the temp view
-- filter_source (the published rollup's daily.parquet, a few thousand rows, or the cases view on a lake read raw):
-- case types, model versions and regions of the decided cases, and the vendors that reviewed them.
select distinct 'case_type' as dimension, case_type as value from filter_source where case_type is not null
union all
select distinct 'model_version', model_version from filter_source where model_version is not null
union all
select distinct 'region', region from filter_source where region is not null
union all
select distinct 'vendor', vendor from (select unnest(review_vendors) as vendor from filter_source) where vendor is not null
