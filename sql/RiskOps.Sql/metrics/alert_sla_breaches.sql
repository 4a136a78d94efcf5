-- alert_sla_breaches: per case type, the manual cases whose 4 h SLA ran out in ($from_us, $to_us] without a resolution
-- within 4 h (still open, or resolved later), as the case source (the published rollup's snapshot) knows them.
select
    case_type,
    count(*)::bigint as breaches
from scope
where routing = 'manual'
    and epoch_us(scored_at) + 14400000000 > $from_us
    and epoch_us(scored_at) + 14400000000 <= $to_us
    and not coalesce(resolved and resolution_hours <= 4, false)
group by case_type
order by case_type
