-- scope_slices: every in-scope case once per slice it belongs to, so one group by (dimension, slice) pools the records
-- of each slice (overall figures are never averages of slices).
select 'overall' as dimension, null::varchar as slice, s.* from scope s
union all
select 'case_type' as dimension, s.case_type as slice, s.* from scope s
union all
select 'week' as dimension, s.week as slice, s.* from scope s
union all
select 'model_version' as dimension, s.model_version as slice, s.* from scope s
union all
select 'region' as dimension, s.region as slice, s.* from scope s
