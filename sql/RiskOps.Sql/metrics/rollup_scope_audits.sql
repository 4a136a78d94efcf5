-- rollup_scope_audits: the audit rows of rollup_scope (the scope placeholder below); with a vendor filter only the audits of those
-- vendors' reviews count, as scope_audits does on the case scope.
select s.*
from ({{scope}}) s, scope_filter f
where len(f.vendors) = 0 or coalesce(list_contains(f.vendors, s.vendor), false)
