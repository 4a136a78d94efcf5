-- raw_qa_audits: every QA audit row as delivered (a corrected verdict re-sent later appears twice), with lineage.
-- {{lake}} is the lake root; Warehouse writes `typed` in place of read_parquet(...) while the folder has no file.
create or replace view raw_qa_audits as
with typed as (
    select
        null::varchar as audit_id,
        null::varchar as review_id,
        null::varchar as auditor_id,
        null::timestamptz as audited_at,
        null::varchar as verdict,
        null::varchar as error_category,
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
select * from read_parquet('{{lake}}/qa_audits/**/*.parquet', hive_partitioning = true, union_by_name = true)
