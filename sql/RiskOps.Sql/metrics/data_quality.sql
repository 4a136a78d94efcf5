-- data_quality: records that no figure counts — labels, reviews and QA audits whose case has no decision (orphans),
-- and the quarantined records. Over the whole lake: filters do not apply.
select
    (select count(*) from labels l where not exists (select 1 from decisions d where d.case_id = l.case_id)) as orphan_labels,
    (select count(*) from reviews r where not exists (select 1 from decisions d where d.case_id = r.case_id)) as orphan_reviews,
    (select count(*) from qa_audits a
        where not exists (
            select 1 from reviews r join decisions d on d.case_id = r.case_id where r.review_id = a.review_id
        )) as orphan_qa_audits,
    (select count(*) from quarantine) as quarantined_records
