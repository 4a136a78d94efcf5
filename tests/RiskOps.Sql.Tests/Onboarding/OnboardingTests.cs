using RiskOps.Sql.Model;
using RiskOps.Sql.Onboarding;
using RiskOps.Sql.Statistics;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Onboarding;

/// <summary>
/// <see cref="Warehouse.GetOnboarding"/>: the tenure edges on a hand lake, the calibration rule at its edges, and every
/// bucket's figures (raw views and the rollup's case snapshot) against an independent computation over the reference
/// model's latest-wins records, on generated lakes that span many weeks and hundreds of reviews per reviewer and on the
/// awkward random lakes of the other property tests.
/// </summary>
public sealed class OnboardingTests
{
    private const double Target = 0.98;
    private const int MinAudits = 30;
    private static readonly long MicrosPerWeek = 7L * 24 * 3600 * 1_000_000;

    [Fact]
    public void GetOnboarding_HandLake_PlacesReviewsAndAuditsInTenureBuckets()
    {
        var data = new LakeData();
        var first = LakeRow.Epoch.AddHours(9);
        var n = 0;
        void Review(DateTimeOffset assigned, string reviewer = "rvA", string? vendor = "V1", string decision = "pass", string ai = "pass", string? label = null, string? verdict = null)
        {
            var id = ++n;
            data.Decisions.Add(new DecisionRow { CaseId = $"c{id:D3}", ScoredAt = assigned.AddMinutes(-5), Routing = "manual", AiDecision = ai });
            data.Reviews.Add(new ReviewRow
            {
                ReviewId = $"r{id:D3}", CaseId = $"c{id:D3}", ReviewerId = reviewer, ReviewerOrg = vendor is null ? "INHOUSE" : "BPO", Vendor = vendor,
                AssignedAt = assigned, ResolvedAt = assigned.AddMinutes(30), Decision = decision, SourceLine = id,
            });
            if (label is not null)
            {
                data.Labels.Add(new LabelRow { CaseId = $"c{id:D3}", Label = label, RootCauseType = label is "FP" or "FN" ? "A" : null, LabeledAt = assigned.AddHours(2) });
            }

            if (verdict is not null)
            {
                data.QaAudits.Add(new QaAuditRow { AuditId = $"a{id:D3}", ReviewId = $"r{id:D3}", Verdict = verdict, AuditedAt = assigned.AddHours(3), SourceLine = id });
            }
        }

        Review(first, verdict: "correct");                                                    // review 1, week 1
        Review(first.AddDays(7).AddTicks(-10), verdict: "incorrect");                          // 1 µs before the week ends: still week 1
        Review(first.AddDays(7), decision: "block", label: "TN", verdict: "correct");           // week 2: overturned pass→block, truth pass: agent right
        Review(first.AddDays(29), decision: "pass", ai: "block", label: "FP");                  // week 5 → 5-8: overturned, truth pass: human right
        Review(first.AddDays(63), verdict: "correct");                                         // week 10 → 9+
        // An orphan review (no decision) a month earlier: it neither counts nor moves the reviewer's first review.
        data.Reviews.Add(new ReviewRow { ReviewId = "r-orphan", CaseId = "no-decision", ReviewerId = "rvA", ReviewerOrg = "BPO", Vendor = "V1", AssignedAt = first.AddDays(-30), SourceLine = 99 });
        // 50 reviews on day 1: with the first they are reviews 1-51; the day-7 one is review 52.
        for (var k = 0; k < 50; k++)
        {
            Review(first.AddDays(1).AddMinutes(k), verdict: k == 49 ? "incorrect" : null);
        }

        Review(first.AddHours(1), reviewer: "rvB", vendor: null, verdict: "correct");          // in-house
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);

        var report = warehouse.GetOnboarding(MetricFilters.None, Target, MinAudits);

        var a = report.ByWeeks.Where(r => r.Vendor == "V1").ToList();
        Assert.Equal(["1", "2", "5-8", "9+"], a.Select(r => r.Bucket));
        Assert.Equal([1, 2, 5, 6], a.Select(r => r.BucketOrder));
        Assert.Equal([52L, 1, 1, 1], a.Select(r => r.Reviews));
        Assert.Equal([3L, 1, 0, 1], a.Select(r => r.QaAudits));
        Assert.Equal([1L, 1, 0, 1], a.Select(r => r.QaCorrect));
        Assert.Equal(1 / 3.0, a[0].DecisionAccuracy);
        Assert.Equal(Wilson.Lower(1, 3)!.Value, a[0].DecisionAccuracyLow!.Value, 12);
        Assert.Equal(Wilson.Upper(1, 3)!.Value, a[0].DecisionAccuracyHigh!.Value, 12);
        Assert.Null(a[2].DecisionAccuracy);
        Assert.Equal((1L, 0L, 0.0), (a[1].OverturnedLabeled, a[1].HumanRight, a[1].HumanRightRate!.Value));
        Assert.Equal((1L, 1L, 1.0), (a[2].OverturnedLabeled, a[2].HumanRight, a[2].HumanRightRate!.Value));
        Assert.Null(a[0].HumanRightRate);

        // Review order: reviews 1-2 (day 0), 3-52 (day 1: the loop), 53 (day 7), 54 (day 29), 55 (day 63).
        var byCount = report.ByReviews.Where(r => r.Vendor == "V1").ToList();
        Assert.Equal(["1-50", "51-100"], byCount.Select(r => r.Bucket));
        Assert.Equal([50L, 5], byCount.Select(r => r.Reviews));
        Assert.Equal([1L, 4], byCount.Select(r => r.QaAudits));     // r001 | the loop's last (review 51), r002 (52), r003 (53), r005 (55)
        var inHouse = Assert.Single(report.ByWeeks, r => r.Org == "INHOUSE");
        Assert.Null(inHouse.Vendor);
        Assert.Equal((1L, 1L), (inHouse.Reviews, inHouse.QaAudits));

        var scoped = warehouse.GetOnboarding(new MetricFilters { Vendors = ["V1"] }, Target, MinAudits);
        Assert.All(scoped.ByWeeks.Concat(scoped.ByReviews), r => Assert.Equal("V1", r.Vendor));
        Assert.All(scoped.Reviewers, r => Assert.Equal("V1", r.Vendor));
        var rvA = Assert.Single(report.Reviewers, r => r.ReviewerId == "rvA");
        Assert.Equal((55L, 10L), (rvA.ReviewsTotal, rvA.WeeksActive));
    }

    [Fact]
    public void GetOnboarding_CalibrationRule_NeedsThirtyAuditsAndTheWholeIntervalBelowTarget()
    {
        // Reviewers at the rule's edges: 25/29 and 25/30 have upper bounds far below 98 %, 30/30 reaches above it; and the
        // audit count (30..300) and correct count whose upper bound comes closest to 98 % from below, with one more correct.
        var data = new LakeData();
        var n = 0;
        void Audits(string reviewer, int audits, int correct)
        {
            for (var k = 0; k < audits; k++)
            {
                var id = ++n;
                data.Decisions.Add(new DecisionRow { CaseId = $"c{id:D4}", Routing = "manual", ScoredAt = LakeRow.Epoch.AddMinutes(id) });
                data.Reviews.Add(new ReviewRow { ReviewId = $"r{id:D4}", CaseId = $"c{id:D4}", ReviewerId = reviewer, ReviewerOrg = "BPO", Vendor = "V1", AssignedAt = LakeRow.Epoch.AddMinutes(id + 1), ResolvedAt = LakeRow.Epoch.AddMinutes(id + 2), Decision = "pass", SourceLine = id });
                data.QaAudits.Add(new QaAuditRow { AuditId = $"a{id:D4}", ReviewId = $"r{id:D4}", Verdict = k < correct ? "correct" : "incorrect", SourceLine = id });
            }
        }

        var (edgeN, edgeK) = Enumerable.Range(30, 271)
            .Select(m => (N: m, K: Enumerable.Range(0, m + 1).Last(k => Wilson.Upper(k, m)!.Value < Target)))
            .MaxBy(e => Wilson.Upper(e.K, e.N)!.Value);
        Assert.True(Wilson.Upper(edgeK + 1, edgeN) >= Target);
        Audits("r29", 29, 25);
        Audits("r30", 30, 25);
        Audits("perfect", 30, 30);
        Audits("justBelow", edgeN, edgeK);
        Audits("justAbove", edgeN, edgeK + 1);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);

        var report = warehouse.GetOnboarding(MetricFilters.None, Target, MinAudits);

        OnboardingReviewer Of(OnboardingReport r, string id) => Assert.Single(r.Reviewers, x => x.ReviewerId == id);
        Assert.False(Of(report, "r29").ForCalibration);
        Assert.True(Of(report, "r30").ForCalibration);
        Assert.False(Of(report, "perfect").ForCalibration);
        Assert.True(Of(report, "justBelow").ForCalibration);
        Assert.False(Of(report, "justAbove").ForCalibration);
        Assert.Equal(["r30", "justBelow"], report.Calibration.Select(r => r.ReviewerId));
        Assert.Equal(29, Of(report, "r29").QaAudits);
        Assert.Equal(Wilson.Upper(25, 29)!.Value, Of(report, "r29").DecisionAccuracyHigh!.Value, 12);

        // An interval touching the target exactly is not wholly below it; the next double up is.
        var upper = Of(report, "justBelow").DecisionAccuracyHigh!.Value;
        Assert.False(Of(warehouse.GetOnboarding(MetricFilters.None, upper, MinAudits), "justBelow").ForCalibration);
        Assert.True(Of(warehouse.GetOnboarding(MetricFilters.None, Math.BitIncrement(upper), MinAudits), "justBelow").ForCalibration);
        Assert.True(Of(warehouse.GetOnboarding(MetricFilters.None, Target, 29), "r29").ForCalibration);
    }

    [Fact]
    public void GetOnboarding_NoReviewsInScope_EmptyAndRatesNull()
    {
        var data = new LakeData();
        data.Decisions.Add(new DecisionRow { CaseId = "c1", Routing = "manual" });
        data.Reviews.Add(new ReviewRow { ReviewId = "r1", CaseId = "c1", Vendor = "V1", ReviewerOrg = "BPO" });
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);

        var report = warehouse.GetOnboarding(MetricFilters.None, Target, MinAudits);
        var empty = warehouse.GetOnboarding(new MetricFilters { Weeks = ["2020-W01"] }, Target, MinAudits);

        var row = Assert.Single(report.ByWeeks);
        Assert.Equal((1L, 0L), (row.Reviews, row.QaAudits));
        Assert.Null(row.DecisionAccuracy);
        Assert.Null(row.DecisionAccuracyHigh);
        Assert.Null(row.HumanRightRate);
        Assert.Empty(report.Reviewers);
        Assert.Empty(empty.ByWeeks);
        Assert.Empty(empty.ByReviews);
        Assert.Throws<InvalidFilterException>(() => warehouse.GetOnboarding(new MetricFilters { Vendors = ["nobody"] }, Target, MinAudits));
        Assert.Throws<ArgumentOutOfRangeException>(() => warehouse.GetOnboarding(MetricFilters.None, 1.5, MinAudits));
    }

    public static TheoryData<string, int, bool> Lakes => new()
    {
        { "onboarding", 1, false }, { "onboarding", 2, false }, { "onboarding", 3, false }, { "onboarding", 2, true },
        { "random", 1, false }, { "random", 11, true },
    };

    [Theory]
    [MemberData(nameof(Lakes))]
    public void GetOnboarding_GeneratedLake_EveryBucketMatchesIndependentComputation(string kind, int seed, bool rollup)
    {
        var data = kind == "onboarding" ? OnboardingLake.Generate(seed) : RandomLake.Generate(seed, 400);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        if (rollup)
        {
            warehouse.BuildRollups(kind == "onboarding" ? OnboardingLake.AsOf : RandomLake.AsOf);
        }

        var reference = new ReferenceModel(data);
        var middleWeek = ReferenceModel.Week(LakeRow.Epoch.AddDays(kind == "onboarding" ? 40 : 10));
        MetricFilters[] filters =
        [
            MetricFilters.None,
            new() { Vendors = ["V1"] },
            new() { CaseTypes = ["ATO"] },
            new() { Weeks = [middleWeek] },
        ];
        foreach (var filter in filters)
        {
            var context = $"{kind} seed {seed}, rollup {rollup}, filter {filter}";
            var actual = warehouse.GetOnboarding(filter, Target, MinAudits);
            Assert.Equal(rollup, actual.FromRollup);
            var (weeks, reviews, reviewers) = Expected(reference, filter);
            if (kind == "onboarding" && filter == MetricFilters.None)
            {
                // The generator reaches every bucket, has listed and unlisted reviewers, and overturns both ways.
                Assert.Equal(6, weeks.Select(r => r.Bucket).Distinct().Count());
                Assert.Equal(4, reviews.Select(r => r.Bucket).Distinct().Count());
                Assert.Contains(reviewers, r => r.ForCalibration);
                Assert.Contains(reviewers, r => !r.ForCalibration && r.QaAudits >= MinAudits);
                Assert.Contains(weeks, r => r.HumanRight > 0 && r.HumanRight < r.OverturnedLabeled);
            }

            AssertRows(weeks, actual.ByWeeks, $"{context}, weeks");
            AssertRows(reviews, actual.ByReviews, $"{context}, reviews");
            Assert.True(reviewers.Select(r => (r.ReviewerId, r.Org, r.Vendor)).Order().SequenceEqual(actual.Reviewers.Select(r => (r.ReviewerId, r.Org, r.Vendor)).Order()), $"{context}: reviewers differ");
            foreach (var want in reviewers)
            {
                var got = actual.Reviewers.Single(r => (r.ReviewerId, r.Org, r.Vendor) == (want.ReviewerId, want.Org, want.Vendor));
                var at = $"{context}, reviewer {want.ReviewerId}/{want.Vendor}";
                Assert.True((want.QaAudits, want.QaCorrect, want.ReviewsTotal, want.WeeksActive, want.ForCalibration) == (got.QaAudits, got.QaCorrect, got.ReviewsTotal, got.WeeksActive, got.ForCalibration),
                    $"{at}: expected {want.QaAudits}/{want.QaCorrect}/{want.ReviewsTotal}/{want.WeeksActive}/{want.ForCalibration}, got {got.QaAudits}/{got.QaCorrect}/{got.ReviewsTotal}/{got.WeeksActive}/{got.ForCalibration}");
                Assert.Equal(want.DecisionAccuracy, got.DecisionAccuracy);
                Assert.Equal(want.DecisionAccuracyHigh!.Value, got.DecisionAccuracyHigh!.Value, 12);
            }

            // Listed first, lowest upper bound first.
            Assert.True(actual.Reviewers.Select(r => r.ForCalibration).SequenceEqual(actual.Reviewers.Select(r => r.ForCalibration).OrderByDescending(x => x)), $"{context}: listed reviewers first");
            if (filter.Vendors.Count > 0)
            {
                Assert.All(actual.ByWeeks.Concat(actual.ByReviews), r => Assert.Equal("V1", r.Vendor));
            }
        }
    }

    private static void AssertRows(List<OnboardingRow> want, List<OnboardingRow> got, string context)
    {
        static string Key(OnboardingRow r) => $"{r.Org}/{r.Vendor}/{r.Bucket}";
        Assert.True(want.Select(Key).SequenceEqual(got.Select(Key)), $"{context}: buckets {string.Join(",", want.Select(Key))} vs {string.Join(",", got.Select(Key))}");
        foreach (var (w, g) in want.Zip(got))
        {
            var at = $"{context} {Key(w)}";
            Assert.True((w.BucketOrder, w.Reviewers, w.Reviews, w.QaAudits, w.QaCorrect, w.OverturnedLabeled, w.HumanRight) == (g.BucketOrder, g.Reviewers, g.Reviews, g.QaAudits, g.QaCorrect, g.OverturnedLabeled, g.HumanRight),
                $"{at}: expected {w.BucketOrder}/{w.Reviewers}/{w.Reviews}/{w.QaAudits}/{w.QaCorrect}/{w.OverturnedLabeled}/{w.HumanRight}, got {g.BucketOrder}/{g.Reviewers}/{g.Reviews}/{g.QaAudits}/{g.QaCorrect}/{g.OverturnedLabeled}/{g.HumanRight}");
            Assert.Equal(w.DecisionAccuracy, g.DecisionAccuracy);
            Assert.Equal(w.DecisionAccuracyN, g.DecisionAccuracyN);
            Assert.Equal(w.HumanRightRate, g.HumanRightRate);
            Assert.Equal(w.HumanRightRateN, g.HumanRightRateN);
            Assert.Equal(w.DecisionAccuracyLow.HasValue, g.DecisionAccuracyLow.HasValue);
            if (w.DecisionAccuracyLow is { } low)
            {
                Assert.Equal(low, g.DecisionAccuracyLow!.Value, 12);
                Assert.Equal(w.DecisionAccuracyHigh!.Value, g.DecisionAccuracyHigh!.Value, 12);
            }
        }
    }

    private sealed record Event(string Kind, string Org, string? Vendor, string ReviewId, string ReviewerId, bool Ok);

    /// <summary>
    /// The independent computation, from docs/metrics.md ("BPO onboarding curves"): a reviewer's reviews of decided cases
    /// in assigned_at order (then review_id) give each review its number and its week since their first; the in-scope
    /// reviews, the audits of in-scope cases' reviews and the labeled overturns of the in-scope cases' final reviews are
    /// counted in the bucket of their review, per org and vendor.
    /// </summary>
    private static (List<OnboardingRow> Weeks, List<OnboardingRow> Reviews, List<OnboardingReviewer> Reviewers) Expected(ReferenceModel reference, MetricFilters filters)
    {
        var tenure = new Dictionary<string, (long No, long Week)>(StringComparer.Ordinal);
        foreach (var byReviewer in reference.Reviews.Where(r => reference.Decisions.ContainsKey(r.CaseId)).GroupBy(r => r.ReviewerId))
        {
            var ordered = byReviewer.OrderBy(r => r.AssignedAt).ThenBy(r => r.ReviewId, StringComparer.Ordinal).ToList();
            var first = ordered[0].AssignedAt;
            for (var i = 0; i < ordered.Count; i++)
            {
                var micros = (ordered[i].AssignedAt - first).Ticks / 10;
                tenure[ordered[i].ReviewId] = (i + 1, 1 + (micros / MicrosPerWeek));
            }
        }

        var scope = reference.Scope(filters);
        var inScope = scope.Select(d => d.CaseId).ToHashSet(StringComparer.Ordinal);
        var reviewsById = reference.Reviews.ToDictionary(r => r.ReviewId, StringComparer.Ordinal);
        bool VendorKept(string? vendor) => filters.Vendors.Count == 0 || (vendor is not null && filters.Vendors.Contains(vendor));

        var events = new List<Event>();
        events.AddRange(reference.Reviews.Where(r => inScope.Contains(r.CaseId)).Select(r => new Event("review", r.ReviewerOrg, r.Vendor, r.ReviewId, r.ReviewerId, false)));
        var audits = reference.Audits.Where(a => reviewsById.TryGetValue(a.ReviewId, out var r) && inScope.Contains(r.CaseId) && VendorKept(r.Vendor))
            .Select(a => (Audit: a, Review: reviewsById[a.ReviewId])).ToList();
        events.AddRange(audits.Select(x => new Event("audit", x.Review.ReviewerOrg, x.Review.Vendor, x.Review.ReviewId, x.Review.ReviewerId, x.Audit.Verdict == "correct")));
        foreach (var d in scope.Where(d => d.Routing == "manual"))
        {
            var final = reference.Reviews.Where(r => r.CaseId == d.CaseId)
                .OrderByDescending(r => r.AssignedAt).ThenByDescending(r => r.IngestedAt).ThenByDescending(r => r.BatchId, StringComparer.Ordinal)
                .ThenByDescending(r => r.SourceLine).ThenByDescending(r => r.ReviewId, StringComparer.Ordinal).FirstOrDefault();
            if (final?.Decision is not ("pass" or "block") || final.Decision == d.AiDecision || !reference.Labels.TryGetValue(d.CaseId, out var label))
            {
                continue;
            }

            var truth = label.Label is "TP" or "FN" ? "block" : "pass";
            events.Add(new Event("overturn", final.ReviewerOrg, final.Vendor, final.ReviewId, final.ReviewerId, final.Decision == truth));
        }

        var placed = events.Where(e => VendorKept(e.Vendor)).Select(e => (Event: e, Tenure: tenure[e.ReviewId])).ToList();

        List<OnboardingRow> Buckets(string dimension, Func<(long No, long Week), (string Bucket, int Order)> bucket) => placed
            .GroupBy(p => (p.Event.Org, p.Event.Vendor, bucket(p.Tenure)))
            .OrderBy(g => g.Key.Org, StringComparer.Ordinal).ThenBy(g => g.Key.Vendor is null ? 0 : 1).ThenBy(g => g.Key.Vendor, StringComparer.Ordinal)
            .ThenBy(g => g.Key.Item3.Order)
            .Select(g =>
            {
                var list = g.Select(p => p.Event).ToList();
                long audited = list.Count(e => e.Kind == "audit"), correct = list.Count(e => e.Kind == "audit" && e.Ok);
                long overturned = list.Count(e => e.Kind == "overturn"), right = list.Count(e => e.Kind == "overturn" && e.Ok);
                var interval = Wilson.Interval(correct, audited);
                return new OnboardingRow
                {
                    Dimension = dimension, Org = g.Key.Org, Vendor = g.Key.Vendor, Bucket = g.Key.Item3.Bucket, BucketOrder = g.Key.Item3.Order,
                    Reviewers = list.Where(e => e.Kind == "review").Select(e => e.ReviewerId).Distinct().Count(),
                    Reviews = list.Count(e => e.Kind == "review"),
                    QaAudits = audited, QaCorrect = correct, DecisionAccuracy = audited == 0 ? null : correct / (double)audited, DecisionAccuracyN = audited,
                    DecisionAccuracyLow = interval?.Low, DecisionAccuracyHigh = interval?.High,
                    OverturnedLabeled = overturned, HumanRight = right, HumanRightRate = overturned == 0 ? null : right / (double)overturned, HumanRightRateN = overturned,
                };
            })
            .ToList();

        var weeks = Buckets("weeks", t => t.Week switch
        {
            <= 4 => (t.Week.ToString(System.Globalization.CultureInfo.InvariantCulture), (int)t.Week),
            <= 8 => ("5-8", 5),
            _ => ("9+", 6),
        });
        var counts = Buckets("reviews", t => t.No switch
        {
            <= 50 => ("1-50", 1),
            <= 100 => ("51-100", 2),
            <= 200 => ("101-200", 3),
            _ => ("201+", 4),
        });

        var history = tenure.GroupBy(t => reviewsById[t.Key].ReviewerId).ToDictionary(g => g.Key, g => (Total: (long)g.Count(), Weeks: g.Max(t => t.Value.Week)));
        var reviewers = audits.GroupBy(x => (x.Review.ReviewerId, x.Review.ReviewerOrg, x.Review.Vendor)).Select(g =>
        {
            long n = g.Count(), correct = g.Count(x => x.Audit.Verdict == "correct");
            var (low, high) = Wilson.Interval(correct, n)!.Value;
            history.TryGetValue(g.Key.ReviewerId, out var h);
            return new OnboardingReviewer
            {
                ReviewerId = g.Key.ReviewerId, Org = g.Key.ReviewerOrg, Vendor = g.Key.Vendor, QaAudits = n, QaCorrect = correct,
                DecisionAccuracy = correct / (double)n, DecisionAccuracyLow = low, DecisionAccuracyHigh = high, DecisionAccuracyN = n,
                ReviewsTotal = h.Total, WeeksActive = h.Weeks, ForCalibration = n >= MinAudits && high < Target,
            };
        }).ToList();
        return (weeks, counts, reviewers);
    }
}
