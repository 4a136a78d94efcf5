-- sop_coverage: the latest catalogue row per (case_type, scenario_code) by updated_at; ties go to the later ingestion.
create or replace view sop_coverage as
select *
from raw_sop_coverage
qualify row_number() over (
    partition by case_type, scenario_code
    order by updated_at desc, ingested_at desc, batch_id desc, source_line desc
) = 1
