-- Freshness and size of each kind in the lake, over the raw (all rows, lineage included) views.
select 'decisions' as kind, count(*) as rows, count(distinct dt) as partitions, count(distinct batch_id) as batches,
       max(dt) as latest_partition, max(ingested_at) as last_ingested_at
from raw_decisions
union all
select 'reviews', count(*), count(distinct dt), count(distinct batch_id), max(dt), max(ingested_at) from raw_reviews
union all
select 'labels', count(*), count(distinct dt), count(distinct batch_id), max(dt), max(ingested_at) from raw_labels
union all
select 'qa_audits', count(*), count(distinct dt), count(distinct batch_id), max(dt), max(ingested_at) from raw_qa_audits
union all
select 'sop_coverage', count(*), count(distinct dt), count(distinct batch_id), max(dt), max(ingested_at) from raw_sop_coverage
