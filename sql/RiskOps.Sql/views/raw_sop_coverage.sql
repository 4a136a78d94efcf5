-- raw_sop_coverage: every SOP catalogue row as delivered, with lineage.
-- {{lake}} is the lake root; Warehouse writes `typed` in place of read_parquet(...) while the folder has no file.
create or replace view raw_sop_coverage as
with typed as (
    select
        null::varchar as case_type,
        null::varchar as scenario_code,
        null::boolean as covered,
        null::varchar as sop_page,
        null::varchar as sop_version,
        null::timestamptz as updated_at,
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
select * from read_parquet('{{lake}}/sop_coverage/**/*.parquet', hive_partitioning = true, union_by_name = true)
