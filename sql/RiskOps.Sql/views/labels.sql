-- labels: the latest label per case_id by labeled_at; ties go to the later ingestion. label_source defaults to review.
create or replace view labels as
select * replace (coalesce(label_source, 'review') as label_source)
from raw_labels
qualify row_number() over (
    partition by case_id
    order by labeled_at desc, ingested_at desc, batch_id desc, source_line desc
) = 1
