-- rollup_bucket_views: a rollup build's own connection (never the dashboard's or a data team's) narrows the views to one
-- bucket of cases, rollup_bucket(case_id) = getvariable('rollup_bucket'), so no step holds more than 1/N of the lake.
-- raw_decisions, raw_labels and quarantine are narrowed in their own files' text by the build (below the latest-wins
-- windows, which partition by case_id); reviews and qa_audits read the whole-lake snapshots above; every other view
-- (decisions, labels, cases, case_audits, ...) is unchanged and so resolves each bucket exactly as it resolves the lake.
-- {{build}} is the build's working folder.
create or replace macro rollup_bucket(case_id) as hash(case_id) % getvariable('rollup_buckets');

create or replace view reviews as
select * from read_parquet('{{build}}/reviews.parquet')
where rollup_bucket(case_id) = getvariable('rollup_bucket');

create or replace view qa_audits as
select * exclude (rollup_case_id) from read_parquet('{{build}}/qa_audits.parquet')
where rollup_bucket(rollup_case_id) = getvariable('rollup_bucket');
