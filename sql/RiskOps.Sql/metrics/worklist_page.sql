-- worklist_page: one page of the open manual cases in worklist_open, oldest scored_at first (ties by case_id, so pages
-- never overlap), $limit rows from row $offset.
select
    case_id,
    case_type,
    priority,
    key_user,
    escalated,
    scored_at,
    age_us,
    bucket,
    vendor,
    reviewer
from worklist_open
order by scored_at, case_id
limit $limit offset $offset
