-- fold_audit_candidates: the QA audits whose orphan status a fold can change — every changed audit, and every audit
-- (before or after) of a review that belongs to a fold case before or after the fold.
with fold_reviews as (
    select review_id from fold_old_reviews where case_id in (select case_id from fold_cases)
    union
    select review_id from fold_new_reviews where case_id in (select case_id from fold_cases)
)
select audit_id from fold_changed_qa_audits
union
select audit_id from fold_old_qa_audits where review_id in (select review_id from fold_reviews)
union
select audit_id from fold_new_qa_audits where review_id in (select review_id from fold_reviews)
