-- fold_cases: the cases an incremental fold recomputes (docs/operations.md, "Incremental folding"): every case whose
-- latest decision or label may have changed, every case a changed review named before or after the change, and every
-- case whose review a changed QA audit named before or after its change. Over fold_old_* (the previous version's
-- resolved tables), fold_changed_* (the keys the pending batches deliver) and fold_upd_* (those keys resolved anew).
select case_id from fold_changed_decisions
union
select case_id from fold_changed_labels
union
select o.case_id from fold_old_reviews o where o.review_id in (select review_id from fold_changed_reviews)
union
select case_id from fold_upd_reviews
union
select r.case_id
from (
    select review_id from fold_old_qa_audits where audit_id in (select audit_id from fold_changed_qa_audits)
    union
    select review_id from fold_upd_qa_audits
) a
join (select review_id, case_id from fold_old_reviews union all select review_id, case_id from fold_upd_reviews) r
    on r.review_id = a.review_id
