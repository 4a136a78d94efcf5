-- whatif_latest_week: the latest UTC ISO week with a decision in scope (the what-if window ends there), null when none.
select max(week) as week from scope
