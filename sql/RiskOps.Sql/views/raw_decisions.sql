-- raw_decisions: every decision row in the lake as delivered (re-scores and re-deliveries included), with lineage.
-- `typed` fixes the columns and types, so the view exists with the right shape before the first file lands.
-- experiment/variant (contract v2) are null in lakes whose files predate them: `union all by name` fills them.
-- {{lake}} is the lake root; Warehouse writes `typed` in place of read_parquet(...) while the folder has no file.
create or replace view raw_decisions as
with typed as (
    select
        null::varchar as case_id,
        null::varchar as case_type,
        null::timestamptz as scored_at,
        null::varchar as model_version,
        null::varchar as ai_decision,
        null::double as confidence,
        null::double as threshold,
        null::varchar as routing,
        null::integer as priority,
        null::varchar as user_id,
        null::varchar[] as signals,
        null::varchar as region,
        null::varchar as experiment,
        null::varchar as variant,
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
select * from read_parquet('{{lake}}/decisions/**/*.parquet', hive_partitioning = true, union_by_name = true)
