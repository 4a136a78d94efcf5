-- A cluster's example cases with their decision and latest label. $case_ids: the ids joined with chr(31) (the unit
-- separator; ids holding control characters are refused before they get here), bound as one parameter.
select d.case_id, d.scored_at, d.model_version, d.ai_decision, d.confidence, d.threshold, d.routing, d.signals,
       l.label, l.root_cause_type, l.root_cause_code, l.annotation
from decisions d
left join labels l using (case_id)
where list_contains(string_split($case_ids, chr(31)), d.case_id)
order by d.scored_at
