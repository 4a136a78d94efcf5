-- FP/FN pattern cluster candidates (contract §2): per case type and error label E in (FP, FN), every signal set S of
-- size 1..3 carried by labeled cases with support(S) >= 5, with its counts, excess and lift. Ranking and the
-- superset walk are done by the caller (Warehouse.GetClusters) on these rows.
-- Reads `scope` (the filtered cases, metrics/scope.sql).
with scoped as (
    select case_id, case_type, signals, label
    from scope
    where labeled
),
labeled as (
    -- A surrogate integer per case keeps the self-joins below on a cheap key.
    select row_number() over () as rid, case_type, label, signals
    from scoped
),
totals as (
    select
        case_type,
        count(*) as labeled_cases,
        count(*) filter (where label = 'FP') as fp_cases,
        count(*) filter (where label = 'FN') as fn_cases
    from labeled
    group by case_type
),
elements as (
    -- Signals are deduplicated per case (distinct), and empty or null entries are not signals.
    select distinct rid, case_type, label, signal
    from (select rid, case_type, label, unnest(signals) as signal from labeled)
    where signal is not null and signal <> ''
),
vocabulary as (
    -- Each signal gets an id per case type in ordinal (byte) order, so a set's ids ascending are its sorted signals and a
    -- set of up to three fits one BIGINT key (21 bits per id).
    select case_type, signal, dense_rank() over (partition by case_type order by signal)::BIGINT as id
    from (select distinct case_type, signal from elements)
),
e as (
    select x.rid, x.case_type, x.label, v.id
    from elements x
    join vocabulary v on v.case_type = x.case_type and v.signal = x.signal
),
subsets as (
    select case_type, label, 1 as size, id as key
    from e
    union all
    select a.case_type, a.label, 2, a.id * 2097152 + b.id
    from e a
    join e b on b.rid = a.rid and b.id > a.id
    union all
    select a.case_type, a.label, 3, (a.id * 2097152 + b.id) * 2097152 + c.id
    from e a
    join e b on b.rid = a.rid and b.id > a.id
    join e c on c.rid = a.rid and c.id > b.id
),
counts as (
    select
        case_type,
        size,
        key,
        count(*) as cases,
        count(*) filter (where label = 'FP') as fp_support,
        count(*) filter (where label = 'FN') as fn_support
    from subsets
    group by case_type, size, key
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
