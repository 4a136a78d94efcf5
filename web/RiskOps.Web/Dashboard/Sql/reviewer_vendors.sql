-- Each BPO reviewer with the vendor of their reviews (for masking other vendors' reviewers on a vendor-scoped user's pages).
select distinct reviewer_id, vendor
from reviews
where vendor is not null
