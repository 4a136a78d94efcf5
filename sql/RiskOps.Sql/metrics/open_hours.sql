-- open_hours: the open manual cases of a daily_open relation (the table placeholder: the loaded rollup, its
-- vendor-collapsed copy, or the raw path's scope_daily_open) per case dimensions and UTC hour of scored_at, with that
-- hour's exact scored_at_us values and their case counts in scored_at order. resolution.sql ages the edge days from it:
-- whole hours before an age limit's instant as sums, and only the one hour the instant falls in element by element —
-- instead of every open case of the three edge days (about 300 k rows at 100 M decisions).
select
    scored_date,
    week,
    case_type,
    model_version,
    region,
    review_vendors,
    scored_at_us // 3600000000 as scored_hour,
    sum(cases)::bigint as cases,
    list(struct_pack(at_us := scored_at_us, cases := cases) order by scored_at_us) as open_at
from {{table}}
group by all
order by scored_date, scored_hour
