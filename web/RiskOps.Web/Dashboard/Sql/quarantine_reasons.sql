-- Quarantined records per kind and reason, most frequent first.
select kind, reason, count(*) as records, max(ingested_at) as last_seen
from quarantine
group by kind, reason
order by records desc, kind, reason
limit 100
