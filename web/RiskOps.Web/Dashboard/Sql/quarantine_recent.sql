-- The latest quarantined records with where they came from (raw text holds hashed user ids only).
select ingested_at, kind, source, line, reason, batch_id
from quarantine
order by ingested_at desc, source, line
limit 50
