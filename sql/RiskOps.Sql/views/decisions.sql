-- decisions: the latest decision per case_id by scored_at; ties go to the later ingestion
-- (ingested_at, then batch_id, then source_line).
create or replace view decisions as
select *
from raw_decisions
qualify row_number() over (
    partition by case_id
    order by scored_at desc, ingested_at desc, batch_id desc, source_line desc
) = 1
