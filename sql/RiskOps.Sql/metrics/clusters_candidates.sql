-- FP/FN pattern cluster candidates (contract §2): per case type and error label E in (FP, FN), every signal set S of
-- size 1..3 carried by labeled cases with support(S) >= 5, with its counts, excess and lift. Ranking and the
-- superset walk are done by the caller (Warehouse.GetClusters) on these rows.
-- Reads `scope` (the filtered cases, metrics/scope.sql).
with scoped as (
    select case_id, case_type, signals, label
    from scope
    where labeled
),
totals as (
    select
        case_type,
        count(*) as labeled_cases,
        count(*) filter (where label = 'FP') as fp_cases,
        count(*) filter (where label = 'FN') as fn_cases
    from scoped
    group by case_type
),
signal_sets as (
    -- Cases with the same signal set count alike, so subsets are enumerated once per distinct set (a few thousand in
    -- practice) with the set's case and error counts as weights. Signals are deduplicated per case (list_distinct also
    -- drops nulls) and empty entries are not signals; a surrogate integer per set keeps the self-joins on a cheap key.
    select
        row_number() over () as sid,
        case_type,
        cases,
        fp,
        fn,
        signals
    from (
        select
            case_type,
            list_sort(list_filter(list_distinct(signals), s -> s <> '')) as signals,
            count(*) as cases,
            count(*) filter (where label = 'FP') as fp,
            count(*) filter (where label = 'FN') as fn
        from scoped
        where len(list_filter(signals, s -> s <> '')) > 0
        group by all
    )
),
elements as (
    select sid, case_type, unnest(signals) as signal
    from signal_sets
),
vocabulary as (
    -- Each signal gets an id per case type in ordinal (byte) order, so a set's ids ascending are its sorted signals and a
    -- set of up to three fits one BIGINT key (21 bits per id).
    select case_type, signal, dense_rank() over (partition by case_type order by signal)::BIGINT as id
    from (select distinct case_type, signal from elements)
),
e as materialized (
    select x.sid, x.case_type, v.id
    from elements x
    join vocabulary v on v.case_type = x.case_type and v.signal = x.signal
),
pairs as materialized (
    select a.sid, a.case_type, a.id as first, b.id as second
    from e a
    join e b on b.sid = a.sid and b.id > a.id
),
subsets as (
    select sid, case_type, 1 as size, id as key
    from e
    union all
    select sid, case_type, 2, first * 2097152 + second
    from pairs
    union all
    select p.sid, p.case_type, 3, (p.first * 2097152 + p.second) * 2097152 + c.id
    from pairs p
    join e c on c.sid = p.sid and c.id > p.second
),
counts as (
    select
        x.case_type,
        x.size,
        x.key,
        sum(s.cases)::BIGINT as cases,
        sum(s.fp)::BIGINT as fp_support,
        sum(s.fn)::BIGINT as fn_support
    from subsets x
    join signal_sets s on s.sid = x.sid
    group by x.case_type, x.size, x.key
),
per_label as (
    select c.case_type, c.size, c.key, 'FP' as label, c.cases, c.fp_support as support, t.labeled_cases, t.fp_cases as error_cases
    from counts c
    join totals t on t.case_type = c.case_type
    where c.fp_support >= 5
    union all
    select c.case_type, c.size, c.key, 'FN', c.cases, c.fn_support, t.labeled_cases, t.fn_cases
    from counts c
    join totals t on t.case_type = c.case_type
    where c.fn_support >= 5
)
select
    p.case_type,
    p.label,
    p.size,
    list_filter([s1.signal, s2.signal, s3.signal], v -> v is not null) as signals,
    p.support,
    p.cases,
    p.labeled_cases,
    p.error_cases,
    -- excess · labeled_cases as an exact integer: the ranking key, free of floating-point ties.
    p.support * p.labeled_cases - p.cases * p.error_cases as excess_scaled,
    p.support - p.cases * (p.error_cases / p.labeled_cases::DOUBLE) as excess_errors,
    (p.support / p.cases::DOUBLE) / (p.error_cases / p.labeled_cases::DOUBLE) as lift
from per_label p
left join vocabulary s1 on s1.case_type = p.case_type
    and s1.id = case p.size when 1 then p.key when 2 then p.key // 2097152 else p.key // 4398046511104 end
left join vocabulary s2 on s2.case_type = p.case_type and p.size >= 2
    and s2.id = case p.size when 2 then p.key % 2097152 else (p.key // 2097152) % 2097152 end
left join vocabulary s3 on s3.case_type = p.case_type and p.size = 3
    and s3.id = p.key % 2097152
order by p.case_type, p.label desc, excess_scaled desc, p.size
