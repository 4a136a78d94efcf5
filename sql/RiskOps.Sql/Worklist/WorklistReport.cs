namespace RiskOps.Sql.Worklist;

/// <summary>
/// The team lead's work list at one as-of instant (<c>riskops worklist --json</c>, the dashboard's Today page): open
/// manual cases by time left to the 4 h SLA, counted per case type, vendor and reviewer, the key-user cases with no
/// escalation yet, and one page of the open cases, oldest first.
/// </summary>
/// <param name="LakeVersion">The number of batch manifests the lake holds (each manifest is one lake version).</param>
/// <param name="AsOf">The instant open cases are aged to (not a data cut-off).</param>
/// <param name="Summary">Counts per SLA bucket over every open manual case in scope.</param>
/// <param name="ByCaseType">The same counts per case type.</param>
/// <param name="ByVendor">Per vendor of the latest review (<c>INHOUSE</c> for an in-house reviewer, <c>unassigned</c> with no review).</param>
/// <param name="ByReviewer">Per reviewer of the latest review (<c>unassigned</c> with no review).</param>
/// <param name="KeyUsersWithoutEscalation">Manual key-user cases (priority ≥ 75), open or resolved, with no escalation yet.</param>
/// <param name="Page">Which slice of the open cases <paramref name="Cases"/> is.</param>
/// <param name="Cases">One page of the open manual cases, oldest <c>scored_at</c> first.</param>
public sealed record WorklistReport(
    long LakeVersion,
    DateTimeOffset AsOf,
    WorklistCounts Summary,
    IReadOnlyList<WorklistSlice> ByCaseType,
    IReadOnlyList<WorklistSlice> ByVendor,
    IReadOnlyList<WorklistSlice> ByReviewer,
    long KeyUsersWithoutEscalation,
    WorklistPage Page,
    IReadOnlyList<WorklistCase> Cases);

/// <summary>Open manual cases per SLA bucket, by age at the as-of instant.</summary>
/// <param name="Breached">Older than 4 h.</param>
/// <param name="Under1h">Less than 1 h left (older than 3 h, at most 4 h).</param>
/// <param name="Under2h">Less than 2 h left but at least 1 h (older than 2 h, at most 3 h).</param>
/// <param name="Other">At least 2 h left (at most 2 h old, or scored after the as-of instant).</param>
/// <param name="OpenTotal">All open manual cases of the slice.</param>
public sealed record WorklistCounts(long Breached, long Under1h, long Under2h, long Other, long OpenTotal)
{
    /// <summary>No open case.</summary>
    public static WorklistCounts Empty { get; } = new(0, 0, 0, 0, 0);
}

/// <summary>The bucket counts of one case type, vendor or reviewer.</summary>
/// <param name="Key">The case type, vendor or reviewer id.</param>
/// <param name="Breached">Older than 4 h.</param>
/// <param name="Under1h">Less than 1 h left.</param>
/// <param name="Under2h">Less than 2 h left but at least 1 h.</param>
/// <param name="Other">At least 2 h left.</param>
/// <param name="OpenTotal">All open manual cases of the slice.</param>
public sealed record WorklistSlice(string Key, long Breached, long Under1h, long Under2h, long Other, long OpenTotal);

/// <summary>The position of a page in the open-case list.</summary>
/// <param name="Number">The page number, from 1.</param>
/// <param name="Size">Cases per page.</param>
/// <param name="Pages">How many pages the open cases fill (at least 1).</param>
public sealed record WorklistPage(int Number, int Size, long Pages);

/// <summary>One open manual case of the list.</summary>
/// <param name="CaseId">The case key.</param>
/// <param name="CaseType">The case type.</param>
/// <param name="Priority">0..100; a key user at 75 or more.</param>
/// <param name="KeyUser">Priority ≥ 75.</param>
/// <param name="Escalated">A review escalated the case or was by a senior or lead.</param>
/// <param name="ScoredAt">When the agent decided (the SLA clock starts here).</param>
/// <param name="AgeHours">Hours since <paramref name="ScoredAt"/> at the as-of instant.</param>
/// <param name="TimeLeftHours">4 − age; negative once breached.</param>
/// <param name="Bucket"><c>breached</c>, <c>under_1h</c>, <c>under_2h</c> or <c>other</c>.</param>
/// <param name="Vendor">The latest review's vendor, <c>INHOUSE</c> or <c>unassigned</c>.</param>
/// <param name="Reviewer">The latest review's reviewer or <c>unassigned</c>.</param>
public sealed record WorklistCase(
    string CaseId,
    string CaseType,
    int Priority,
    bool KeyUser,
    bool Escalated,
    DateTimeOffset ScoredAt,
    double AgeHours,
    double TimeLeftHours,
    string Bucket,
    string Vendor,
    string Reviewer);
