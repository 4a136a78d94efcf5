-- fold_orphans: the data_quality orphan counts restricted to what a fold can change, over one state of the resolved
-- tables ({{state}} = old or new: fold_{{state}}_decisions, _labels, _reviews, _qa_audits). A label's or a review's
-- orphan status changes only when its case is a fold case; a QA audit's only when the audit changed or its review
-- (before or after) belongs to a fold case (fold_audit_candidates). The fold adds (new − old) to the previous counts.
select
    (select count(*) from fold_{{state}}_labels l
        where l.case_id in (select case_id from fold_cases)
            and not exists (select 1 from fold_{{state}}_decisions d where d.case_id = l.case_id)) as orphan_labels,
    (select count(*) from fold_{{state}}_reviews r
        where r.case_id in (select case_id from fold_cases)
            and not exists (select 1 from fold_{{state}}_decisions d where d.case_id = r.case_id)) as orphan_reviews,
    (select count(*) from fold_{{state}}_qa_audits a
        where a.audit_id in (select audit_id from fold_audit_candidates)
            and not exists (
                select 1 from fold_{{state}}_reviews r join fold_{{state}}_decisions d on d.case_id = r.case_id
                where r.review_id = a.review_id
            )) as orphan_qa_audits
