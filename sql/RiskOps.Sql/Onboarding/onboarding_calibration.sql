-- onboarding_calibration: per reviewer (with the org and vendor of the audited reviews) over the audits of scope_audits —
-- QA audits, correct ones, decision accuracy and its 95 % Wilson interval — and whether the reviewer is listed for
-- calibration: at least $min_audits audits and the interval's upper bound strictly below $target (wholly below the
-- target; an interval that reaches it is not listed). reviews_total (all their reviews) and weeks_active (the week_no of
-- their latest review) describe the reviewer's whole history (onboarding_tenure), whatever the filters. Listed reviewers first, lowest upper bound first.
with per_reviewer as (
    select
        a.reviewer_id,
        a.reviewer_org as org,
        a.vendor,
        count(*)::bigint as qa_audits,
        count(*) filter (where a.verdict = 'correct')::bigint as qa_correct
    from scope_audits a
    group by a.reviewer_id, a.reviewer_org, a.vendor
),
history as (
    select reviewer_id, count(*)::bigint as reviews_total, max(week_no)::bigint as weeks_active
    from onboarding_tenure
    group by reviewer_id
),
figures as (
    select
        p.*,
        p.qa_correct / p.qa_audits::double as decision_accuracy,
        wilson_low(p.qa_correct::double, p.qa_audits::double) as decision_accuracy_low,
        wilson_high(p.qa_correct::double, p.qa_audits::double) as decision_accuracy_high,
        coalesce(h.reviews_total, 0)::bigint as reviews_total,
        coalesce(h.weeks_active, 0)::bigint as weeks_active
    from per_reviewer p
    left join history h on h.reviewer_id = p.reviewer_id
)
select
    reviewer_id, org, vendor, qa_audits, qa_correct,
    decision_accuracy, decision_accuracy_low, decision_accuracy_high,
    qa_audits as decision_accuracy_n,
    reviews_total, weeks_active,
    qa_audits >= $min_audits and decision_accuracy_high < $target as for_calibration
from figures
order by for_calibration desc, decision_accuracy_high, qa_audits desc, reviewer_id, org, vendor nulls first
