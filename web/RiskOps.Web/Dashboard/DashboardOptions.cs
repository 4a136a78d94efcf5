using System.Globalization;
using Microsoft.Extensions.Options;

namespace RiskOps.Web.Dashboard;

/// <summary>The dashboard's limits, bound from the <c>Dashboard</c> configuration section (env <c>Dashboard__*</c>).</summary>
public sealed class DashboardOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Dashboard";

    /// <summary>The longest <see cref="QueryTimeout"/> accepted: beyond it a page is no longer an interactive answer.</summary>
    public static readonly TimeSpan MaxQueryTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long one page or CSV export may compute before its DuckDB work is interrupted and it answers 503 ("this page
    /// took longer than N s; try a narrower filter"). The work also stops when the client leaves. Written as a time span
    /// (<c>00:00:30</c>); a bare number is read as days by .NET and refused here as too long.
    /// </summary>
    /// <value>Default: 30 seconds.</value>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Refuses to start with a timeout that is not positive or longer than <see cref="DashboardOptions.MaxQueryTimeout"/>, naming the value.</summary>
internal sealed class DashboardOptionsValidation : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var timeout = options.QueryTimeout;
        return timeout > TimeSpan.Zero && timeout <= DashboardOptions.MaxQueryTimeout
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{DashboardOptions.SectionName}:QueryTimeout must be more than 0 and at most {DashboardOptions.MaxQueryTimeout:c} "
                + $"(got {timeout.ToString("c", CultureInfo.InvariantCulture)}; write a time span such as 00:00:30 — a bare number is read as days)");
    }
}
