using System.Security.Claims;
using RiskOps.Web.Dashboard;

namespace RiskOps.Web.Auth;

/// <summary>
/// The second half of <see cref="VendorScope"/>. The vendor filter keeps the cases the scoped vendor reviewed — but a case
/// can also have been reviewed by another vendor (one escalated or re-assigned to W), and the tables that attribute
/// a case to its latest or final review would then name W and W's reviewers. On a scoped user's pages and CSVs a
/// per-vendor or per-reviewer row of another vendor is dropped (it is W's work, not V's), and in case lists another
/// vendor's name and reviewer are replaced by <see cref="Other"/>. Counts of the case itself stay: the case is in V's scope.
/// </summary>
internal static class VendorMask
{
    /// <summary>What a scoped user sees instead of another vendor's name or reviewer.</summary>
    public const string Other = "another vendor";

    /// <summary>The names to hide from one scoped user.</summary>
    internal sealed record Hidden(HashSet<string> Vendors, HashSet<string> Reviewers);

    /// <summary>The names to hide from <paramref name="user"/>, or null for an unscoped user.</summary>
    public static Hidden? For(ClaimsPrincipal user, DashboardData data)
    {
        if (VendorScope.Of(user) is not { } vendor)
        {
            return null;
        }

        var vendors = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var reviewers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var row in data.Query(DashboardSql.Load("reviewer_vendors")).Rows)
        {
            if (row[0] is string reviewer && row[1] is string other && !string.Equals(other, vendor, StringComparison.OrdinalIgnoreCase))
            {
                vendors.Add(other);
                vendors.Add(Categories.Label(other));
                reviewers.Add(reviewer);
                reviewers.Add(Categories.Label(reviewer));
            }
        }

        return new Hidden(vendors, reviewers);
    }

    /// <summary>The page with other vendors' rows and names removed.</summary>
    public static PageView Apply(PageView view, Hidden? hidden) =>
        hidden is null ? view : view with { Sections = view.Sections.Select(s => s with { Tables = s.Tables.Select(t => Apply(t, hidden)).ToList() }).ToList() };

    /// <summary>The table with other vendors' rows and names removed.</summary>
    public static TableModel Apply(TableModel table, Hidden? hidden)
    {
        if (hidden is null || table.Columns.Count == 0)
        {
            return table;
        }

        var vendorColumn = IndexOf(table.Columns, "vendor");
        var reviewerColumn = IndexOf(table.Columns, "reviewer");
        if (vendorColumn < 0 && reviewerColumn < 0)
        {
            return table;
        }

        // A table keyed by vendor or reviewer holds one row per vendor's or reviewer's work.
        var keyed = vendorColumn == 0 || reviewerColumn == 0;
        var rows = keyed
            ? table.Rows.Where(r => !IsHidden(r, vendorColumn, hidden.Vendors) && !IsHidden(r, reviewerColumn, hidden.Reviewers)).ToList()
            : table.Rows.Select(r => Row(r, vendorColumn, reviewerColumn, hidden)).ToList();
        return table with { Rows = rows };
    }

    /// <summary>One case-list row with another vendor's name and reviewer replaced.</summary>
    public static IReadOnlyList<Cell> Row(IReadOnlyList<Cell> row, int vendorColumn, int reviewerColumn, Hidden? hidden)
    {
        if (hidden is null || !(IsHidden(row, vendorColumn, hidden.Vendors) || IsHidden(row, reviewerColumn, hidden.Reviewers)))
        {
            return row;
        }

        return row.Select((cell, i) => i == vendorColumn || i == reviewerColumn ? new Cell(Other) : cell).ToList();
    }

    /// <summary>The position of a column, or -1.</summary>
    public static int IndexOf(IReadOnlyList<string> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsHidden(IReadOnlyList<Cell> row, int column, HashSet<string> names) =>
        column >= 0 && column < row.Count && names.Contains(row[column].Text);
}
