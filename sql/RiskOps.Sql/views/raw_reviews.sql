-- raw_reviews: every review row as delivered (a review sent open and later resolved appears twice), with lineage.
-- {{lake}} is the lake root; Warehouse writes `typed` in place of read_parquet(...) while the folder has no file.
create or replace view raw_reviews as
with typed as (
    select
        null::varchar as review_id,
        null::varchar as case_id,
        null::varchar as reviewer_id,
        null::varchar as reviewer_org,
        null::varchar as vendor,
        null::varchar as reviewer_tier,
        null::timestamptz as assigned_at,
        null::timestamptz as resolved_at,
        null::varchar as decision,
        null::varchar as rationale,
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
select * from read_parquet('{{lake}}/reviews/**/*.parquet', hive_partitioning = true, union_by_name = true)
