-- rollup_scope_audits: with a vendor filter only the audits of those vendors' reviews count, as scope_audits does on the
-- case scope (run on scope_daily_audits after rollup_scope).
delete from scope_daily_audits
where len($vendors::varchar[]) > 0 and not coalesce(list_contains($vendors::varchar[], vendor), false)
