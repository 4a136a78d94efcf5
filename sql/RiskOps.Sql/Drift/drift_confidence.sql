-- drift_confidence: decided cases per UTC ISO week, case type, model version and confidence bin
-- k = min(floor(10 * confidence), 9) (the calibration bins of contract §2: [k/10, (k+1)/10), 1.0 in the last bin).
-- All decisions count, labeled or not: the population stability index needs no label.
select week, case_type, model_version, confidence_bin, count(*) as n
from scope
group by all
order by all
