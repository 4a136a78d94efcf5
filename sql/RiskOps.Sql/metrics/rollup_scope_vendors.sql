-- rollup_scope_vendors: the in-scope rows of a daily rollup loaded twice — without a vendor filter from its
-- vendor-collapsed copy (first placeholder; its null review_vendors never match a vendor filter), with one from the
-- per-vendor-set rows (second placeholder). Each side is rollup_scope over its table.
select * from ({{any_vendor}})
union all by name
select s.* from ({{by_vendor}}) s, scope_filter f where len(f.vendors) > 0
