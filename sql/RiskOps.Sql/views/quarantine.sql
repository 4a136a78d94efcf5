-- quarantine: records refused at ingest, with the source file, line and reason (raw never holds a clear user id).
-- {{lake}} is the lake root; Warehouse writes `typed` in place of read_parquet(...) while the folder has no file.
create or replace view quarantine as
with typed as (
    select
        null::varchar as kind,
        null::varchar as source,
        null::bigint as line,
        null::varchar as reason,
        null::varchar as raw,
        null::varchar as batch_id,
        null::timestamptz as ingested_at,
        null::date as dt
    where false
)
select * from typed
union all by name
select * from read_parquet('{{lake}}/quarantine/**/*.parquet', hive_partitioning = true, union_by_name = true)
