-- qa_audits: the latest row per audit_id by ingestion (a corrected verdict re-sent later wins).
create or replace view qa_audits as
select *
from raw_qa_audits
qualify row_number() over (
    partition by audit_id
    order by ingested_at desc, batch_id desc, source_line desc
) = 1
