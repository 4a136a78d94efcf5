-- macros: the formulas several metric files share — 95 % Wilson score bounds and Cohen's kappa for two binary raters.
create or replace macro wilson_low(x, n) as
    case when n > 0 then
        ((x / n) + 1.959963984540054::double ** 2 / (2 * n)
            - 1.959963984540054::double * sqrt((x / n) * (1 - x / n) / n + 1.959963984540054::double ** 2 / (4 * n * n)))
        / (1 + 1.959963984540054::double ** 2 / n)
    end;
create or replace macro wilson_high(x, n) as
    case when n > 0 then
        ((x / n) + 1.959963984540054::double ** 2 / (2 * n)
            + 1.959963984540054::double * sqrt((x / n) * (1 - x / n) / n + 1.959963984540054::double ** 2 / (4 * n * n)))
        / (1 + 1.959963984540054::double ** 2 / n)
    end;
-- n pairs, agree = pairs where both say block or both say pass, a_block / b_block = blocks per rater; null when pe = 1.
create or replace macro cohen_kappa(n, agree, a_block, b_block) as
    case when n > 0 and (a_block / n) * (b_block / n) + (1 - a_block / n) * (1 - b_block / n) < 1 then
        (agree / n - ((a_block / n) * (b_block / n) + (1 - a_block / n) * (1 - b_block / n)))
        / (1 - ((a_block / n) * (b_block / n) + (1 - a_block / n) * (1 - b_block / n)))
    end
;
-- The FILTERS of contract §3 on a case's dimensions: lists are OR within a list and AND across lists, an empty list
-- does not restrict, from/to are inclusive UTC dates (null = open). Shared by the case scope and the rollup scope.
create or replace macro in_filters(case_type, model_version, region, week, scored_date,
        case_types, model_versions, regions, weeks, from_date, to_date) as
    (len(case_types) = 0 or list_contains(case_types, case_type))
    and (len(model_versions) = 0 or list_contains(model_versions, model_version))
    and (len(regions) = 0 or list_contains(regions, region))
    and (len(weeks) = 0 or list_contains(weeks, week))
    and (from_date is null or scored_date >= from_date)
    and (to_date is null or scored_date <= to_date);
-- The slice dimensions every per-slice metric reports: a row of a daily aggregate belongs to one slice of each.
create or replace macro dimensions() as table
    select unnest(['overall', 'case_type', 'week', 'model_version', 'region']) as dimension;
create or replace macro slice_of(dimension, case_type, week, model_version, region) as
    case dimension
        when 'case_type' then case_type
        when 'week' then week
        when 'model_version' then model_version
        when 'region' then region
    end
