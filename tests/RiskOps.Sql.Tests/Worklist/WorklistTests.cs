using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;
using RiskOps.Sql.Worklist;

namespace RiskOps.Sql.Tests.Worklist;

/// <summary>
/// <see cref="Warehouse.GetWorklist"/> over a hand-built lake aged to <see cref="AsOf"/>: open manual cases on both sides
/// of each limit (exactly 4 h, 3 h, 2 h and 1 h before the as-of, and one second earlier), re-assigned reviews, resolved
/// cases (one resolved by a re-sent review), and key users with and without escalation. Every expectation is counted by
/// hand from the rows below.
/// </summary>
public sealed class WorklistTests : IDisposable
{
    private static readonly DateTimeOffset AsOf = LakeRow.Epoch.AddDays(2).AddHours(12);
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private readonly TestLake _lake = TestLake.Create(Build());
    private readonly Warehouse _warehouse;

    public WorklistTests() => _warehouse = Warehouse.Open(_lake.Root);

    public void Dispose()
    {
        _warehouse.Dispose();
        _lake.Dispose();
    }

    private static LakeData Build()
    {
        var data = new LakeData();
        void Case(string id, TimeSpan before, string type = "ATO", string routing = "manual", int priority = 10) =>
            data.Decisions.Add(new DecisionRow { CaseId = id, CaseType = type, ScoredAt = AsOf - before, Routing = routing, Priority = priority });
        void Review(string id, string caseId, string reviewer, TimeSpan assignedBefore, string? vendor = null, string? decision = null,
            string tier = "agent", DateTimeOffset? ingested = null) =>
            data.Reviews.Add(new ReviewRow
            {
                ReviewId = id, CaseId = caseId, ReviewerId = reviewer, ReviewerOrg = vendor is null ? "INHOUSE" : "BPO", Vendor = vendor,
                ReviewerTier = tier, AssignedAt = AsOf - assignedBefore, Decision = decision,
                ResolvedAt = decision is null ? null : AsOf - assignedBefore + TimeSpan.FromMinutes(20),
                IngestedAt = ingested ?? LakeRow.Epoch.AddDays(30),
            });
        var h = TimeSpan.FromHours(1);

        // Open.
        Case("o4a", 4 * h);
        Case("o4b", 4 * h + Second);
        Review("r1", "o4b", "rv1", 4 * h - TimeSpan.FromMinutes(50), vendor: "V1");
        Review("r2", "o4b", "rv2", 3 * h); // re-assigned in house: the latest review names the reviewer
        Case("o3a", 3 * h, type: "KYC_AUDIT");
        Review("r3", "o3a", "rv1", 2 * h, vendor: "V1");
        Case("o3b", 3 * h + Second, type: "KYC_AUDIT");
        Review("r4", "o3b", "rv3", 2 * h, vendor: "V2", decision: "escalate"); // escalate resolves nothing
        Case("o2a", 2 * h);
        Case("o2b", 2 * h + Second);
        Review("r5", "o2b", "rv1", 2 * h, vendor: "V1", decision: "pass");
        Review("r6", "o2b", "rv3", 1.5 * h, vendor: "V2"); // a later open review re-opens the case
        Case("o1a", 1 * h, type: "RESET_2FA");
        Case("o1b", 1 * h + Second, type: "RESET_2FA");
        Case("old", 30 * h);
        Review("r7", "old", "rv2", 29 * h);
        Case("k1", 5 * h, priority: 80);

        // Resolved or automatic: never on the list.
        Case("res1", 6 * h);
        Review("r8", "res1", "rv1", 6 * h, vendor: "V1", decision: "block");
        Case("res2", 6 * h);
        Review("r9", "res2", "rv1", 6 * h, vendor: "V1");
        Review("r10", "res2", "rv2", 5 * h, decision: "pass");
        Case("res3", 7 * h, type: "KYC_AUDIT");
        Review("r11", "res3", "rv1", 7 * h, vendor: "V1", ingested: LakeRow.Epoch.AddDays(29));
        Review("r11", "res3", "rv1", 7 * h, vendor: "V1", decision: "pass"); // the same review sent again, resolved
        Case("auto1", 10 * h, routing: "auto");

        // Key users (priority >= 75): k1 (open, no review) and k3 (resolved by an agent) have no escalation.
        Case("k2", 8 * h, priority: 90);
        Review("r12", "k2", "rv1", 8 * h, vendor: "V1", decision: "escalate");
        Review("r13", "k2", "rv4", 7 * h, decision: "pass", tier: "senior");
        Case("k3", 9 * h, type: "KYC_AUDIT", priority: 75);
        Review("r14", "k3", "rv1", 9 * h, vendor: "V1", decision: "pass");
        Case("k4", 9 * h, priority: 76);
        Review("r15", "k4", "rv5", 9 * h, decision: "pass", tier: "lead");
        Case("k5", 9 * h, routing: "auto", priority: 99);
        Case("k6", 9 * h, priority: 74);
        Review("r16", "k6", "rv1", 9 * h, vendor: "V1", decision: "pass");
        return data;
    }

    [Fact]
    public void GetWorklist_LimitInstants_BucketsCountEachSideOfEachLimit()
    {
        var report = _warehouse.GetWorklist(MetricFilters.None, AsOf);

        // breached: o4b (4 h + 1 s), old, k1; < 1 h left: o4a (exactly 4 h: none left), o3b; < 2 h: o3a (exactly 3 h), o2b;
        // other: o2a (exactly 2 h), o1a, o1b.
        Assert.Equal(new WorklistCounts(3, 2, 2, 3, 10), report.Summary);
        Assert.Equal(2, report.KeyUsersWithoutEscalation);
        Assert.Equal(AsOf, report.AsOf);
        var exact = report.Cases.Single(c => c.CaseId == "o4a");
        Assert.Equal(4.0, exact.AgeHours);
        Assert.Equal(0.0, exact.TimeLeftHours);
        Assert.Equal("under_1h", exact.Bucket);
        Assert.Equal("breached", report.Cases.Single(c => c.CaseId == "o4b").Bucket);
        Assert.Equal("under_2h", report.Cases.Single(c => c.CaseId == "o3a").Bucket);
        Assert.Equal("other", report.Cases.Single(c => c.CaseId == "o2a").Bucket);
    }

    [Fact]
    public void GetWorklist_Slices_PerCaseTypeVendorAndLatestReviewer()
    {
        var report = _warehouse.GetWorklist(MetricFilters.None, AsOf);

        Assert.Equal(
            [
                new WorklistSlice("ATO", 3, 1, 1, 1, 6),
                new WorklistSlice("KYC_AUDIT", 0, 1, 1, 0, 2),
                new WorklistSlice("RESET_2FA", 0, 0, 0, 2, 2),
            ],
            report.ByCaseType);
        // o4b moved from V1 to an in-house reviewer; o2b's resolved V1 review was followed by an open V2 one.
        Assert.Equal(
            [
                new WorklistSlice("INHOUSE", 2, 0, 0, 0, 2),
                new WorklistSlice("unassigned", 1, 1, 0, 3, 5),
                new WorklistSlice("V2", 0, 1, 1, 0, 2),
                new WorklistSlice("V1", 0, 0, 1, 0, 1),
            ],
            report.ByVendor);
        Assert.Equal(
            [
                new WorklistSlice("rv2", 2, 0, 0, 0, 2),
                new WorklistSlice("unassigned", 1, 1, 0, 3, 5),
                new WorklistSlice("rv3", 0, 1, 1, 0, 2),
                new WorklistSlice("rv1", 0, 0, 1, 0, 1),
            ],
            report.ByReviewer);
        var o4b = report.Cases.Single(c => c.CaseId == "o4b");
        Assert.Equal(("INHOUSE", "rv2"), (o4b.Vendor, o4b.Reviewer));
        Assert.True(report.Cases.Single(c => c.CaseId == "o3b").Escalated);
        Assert.True(report.Cases.Single(c => c.CaseId == "k1").KeyUser);
    }

    [Fact]
    public void GetWorklist_Pages_OldestFirstWithoutOverlap()
    {
        var pages = Enumerable.Range(1, 4).Select(p => _warehouse.GetWorklist(MetricFilters.None, AsOf, p, 4)).ToList();

        Assert.Equal(["old", "k1", "o4b", "o4a"], pages[0].Cases.Select(c => c.CaseId));
        Assert.Equal(["o3b", "o3a", "o2b", "o2a"], pages[1].Cases.Select(c => c.CaseId));
        Assert.Equal(["o1b", "o1a"], pages[2].Cases.Select(c => c.CaseId));
        Assert.Empty(pages[3].Cases);
        Assert.All(pages, p => Assert.Equal(3, p.Page.Pages));
        Assert.Equal(pages[0].Summary, pages[2].Summary);
    }

    [Fact]
    public void GetWorklist_VendorFilter_CasesWithAnyReviewByTheVendor()
    {
        var report = _warehouse.GetWorklist(new MetricFilters { Vendors = ["V1"] }, AsOf);

        // Open cases with a V1 review: o4b (r1), o3a (r3), o2b (r5); key users: k3 (k2 escalated, k1 has no review).
        Assert.Equal(["o4b", "o3a", "o2b"], report.Cases.Select(c => c.CaseId));
        Assert.Equal(new WorklistCounts(1, 0, 2, 0, 3), report.Summary);
        Assert.Equal(1, report.KeyUsersWithoutEscalation);
    }

    [Fact]
    public void GetWorklist_LaterAsOf_AgesTheSameCases()
    {
        var report = _warehouse.GetWorklist(MetricFilters.None, AsOf.AddHours(1));

        // One hour later: old, k1, o4b, o4a (5 h), o3b (4 h + 1 s) breached; o3a (exactly 4 h), o2b (3 h + 1 s) < 1 h;
        // o2a (3 h), o1b (2 h + 1 s) < 2 h; o1a (2 h) other.
        Assert.Equal(new WorklistCounts(5, 2, 2, 1, 10), report.Summary);
    }

    [Theory]
    [InlineData(0, 50)]
    [InlineData(1, 0)]
    [InlineData(1, Warehouse.MaxWorklistPageSize + 1)]
    public void GetWorklist_PageOutOfRange_InvalidFilter(int page, int size) =>
        Assert.Throws<InvalidFilterException>(() => _warehouse.GetWorklist(MetricFilters.None, AsOf, page, size));

    [Fact]
    public void GetWorklist_UnknownCaseType_InvalidFilter() =>
        Assert.Throws<InvalidFilterException>(() => _warehouse.GetWorklist(new MetricFilters { CaseTypes = ["NOPE"] }, AsOf));
}
