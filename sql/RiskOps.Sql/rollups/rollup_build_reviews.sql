-- rollup_build_reviews: the reviews view materialised once per rollup build, before the build splits cases into
-- buckets. Latest-wins per review_id needs every delivery of a review whichever case it names, so it is resolved over
-- the whole lake here; each bucket then reads the reviews of its own cases from this file (rollup_bucket_views).
select * from reviews
