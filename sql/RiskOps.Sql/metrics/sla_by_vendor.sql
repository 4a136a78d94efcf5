-- sla_by_vendor: the SLA figures of resolution.sql and resolution_quantiles.sql for several vendor groups in ONE grouped
-- pass over the scope (the dashboard's SLA page used to run one metrics call per vendor). A group holds the manual cases
-- reviewed by any of its vendors (the vendor filter's rule: a review by one of them), so a one-vendor group's figures
-- equal `riskops metrics --vendor V` and a case reviewed by two vendors counts in each of their groups, once per group.
-- Per group: manual, resolved and open cases, sla_met (resolved within 4 h), the SLA denominator (resolved + open older
-- than 4 h at the as-of: scored strictly before as-of - 4 h), p50/p90 resolution hours (quantile_cont over the resolved
-- cases) and the open backlog by age: [0, 4 h), [4 h, 24 h), [24 h, 72 h), >= 72 h — the limits as resolution.sql
-- draws them (a case scored exactly 4 h before the as-of is aged 4 h; a case scored after the as-of is in the first).
-- Reads `scope` (the filtered cases; the page's own vendor filter, if any, already applied). $groups: a JSON array of
-- {"n": int, "vendors": [text]}; $as_of_us: the as-of instant in epoch microseconds. Groups with no manual case are absent.
with groups as (
    select g.n, g.vendors
    from (select unnest(from_json($groups::VARCHAR, '[{"n":"INTEGER","vendors":["VARCHAR"]}]'), recursive := true)) g
),
hits as (
    select g.n, s.resolved, s.resolution_hours, epoch_us(s.scored_at) as scored_us
    from groups g
    join scope s on list_has_any(g.vendors, s.review_vendors)
    where s.routing = 'manual'
)
select
    n,
    count(*) as manual_cases,
    count(*) filter (where resolved) as resolved_cases,
    count(*) filter (where not resolved) as open_cases,
    count(*) filter (where resolved and resolution_hours <= 4) as sla_met,
    count(*) filter (where resolved) + count(*) filter (where not resolved and scored_us < $as_of_us - 14400000000) as sla_denominator,
    quantile_cont(resolution_hours, 0.5) filter (where resolved) as resolution_hours_p50,
    quantile_cont(resolution_hours, 0.9) filter (where resolved) as resolution_hours_p90,
    count(*) filter (where not resolved and scored_us > $as_of_us - 14400000000) as backlog_0_4h,
    count(*) filter (where not resolved and scored_us <= $as_of_us - 14400000000 and scored_us > $as_of_us - 86400000000) as backlog_4_24h,
    count(*) filter (where not resolved and scored_us <= $as_of_us - 86400000000 and scored_us > $as_of_us - 259200000000) as backlog_1_3d,
    count(*) filter (where not resolved and scored_us <= $as_of_us - 259200000000) as backlog_over_3d
from hits
group by n
order by n
