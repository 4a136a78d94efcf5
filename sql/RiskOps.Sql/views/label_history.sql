-- label_history: every label ever given to a case, newest first per case, with is_latest marking the one that counts.
create or replace view label_history as
select
    * replace (coalesce(label_source, 'review') as label_source),
    row_number() over (
        partition by case_id
        order by labeled_at desc, ingested_at desc, batch_id desc, source_line desc
    ) = 1 as is_latest
from raw_labels
