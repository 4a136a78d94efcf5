-- rollup_scope: the rows of one loaded daily rollup table (the table placeholder below) that the current call's filters (the one row of
-- scope_filter) select. Every daily rollup row carries the case dimensions (scored_date, week, case_type,
-- model_version, region, review_vendors), so the same predicates as the case scope apply.
select r.*
from {{table}} r, scope_filter f
where in_filters(r.case_type, r.model_version, r.region, r.week, r.scored_date,
        f.case_types, f.model_versions, f.regions, f.weeks, f.from_date, f.to_date)
    and (len(f.vendors) = 0 or list_has_any(f.vendors, r.review_vendors))
