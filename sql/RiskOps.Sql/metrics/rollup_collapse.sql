-- rollup_collapse: a loaded daily rollup (the table placeholder) summed over review_vendors (left null), for calls
-- without a vendor filter: several times fewer rows, the same sums. The keys placeholder lists the table's own key
-- columns besides the case dimensions (e.g. confidence_bin); every other column is a count or a sum. Kept in
-- scored_date order, so queries reading a few days skip the others' row groups.
select
    scored_date, week, case_type, model_version, region, null::varchar[] as review_vendors{{keys}},
    sum(columns(* exclude (scored_date, week, case_type, model_version, region, review_vendors{{keys}})))
from {{table}}
group by all
order by scored_date
