-- reviews: the latest row per review_id by ingestion (a review sent open, then resolved, keeps the resolved row).
create or replace view reviews as
select *
from raw_reviews
qualify row_number() over (
    partition by review_id
    order by ingested_at desc, batch_id desc, source_line desc
) = 1
