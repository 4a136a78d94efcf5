-- raw_labels: every label row as delivered (re-labels keep the earlier labels as history), with lineage.
-- {{lake}} is the lake root; Warehouse writes `typed` in place of read_parquet(...) while the folder has no file.
create or replace view raw_labels as
with typed as (
    select
        null::varchar as case_id,
        null::varchar as label,
        null::varchar as label_source,
        null::double as sample_weight,
        null::varchar as root_cause_type,
        null::varchar as root_cause_code,
        null::varchar as annotation,
        null::boolean as annotation_flagged,
        null::varchar as labeled_by,
        null::timestamptz as labeled_at,
        null::timestamptz as ingested_at,
        null::varchar as batch_id,
        null::varchar as source,
        null::bigint as source_line,
        null::varchar as record_hash,
        null::date as dt
    where false
)
select * from typed
union all by name
select * from read_parquet('{{lake}}/labels/**/*.parquet', hive_partitioning = true, union_by_name = true)
