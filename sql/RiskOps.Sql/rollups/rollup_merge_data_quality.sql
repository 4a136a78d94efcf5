-- rollup_merge_data_quality: the data_quality rows of every bucket summed into the lake's one row. Each count is
-- additive over buckets: an orphan label/review/audit belongs to exactly one bucket, quarantine is counted in bucket 0.
-- {{parts}} is the glob of the buckets' files.
select
    sum(orphan_labels)::bigint as orphan_labels,
    sum(orphan_reviews)::bigint as orphan_reviews,
    sum(orphan_qa_audits)::bigint as orphan_qa_audits,
    sum(quarantined_records)::bigint as quarantined_records
from read_parquet('{{parts}}')
