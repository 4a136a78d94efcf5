using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using RiskOps.Sql.Experiments;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops experiments --lake DIR [FILTERS] [--as-of TS] [--json] [--raw]</c>: the A/B comparisons of contract v2 §2.</summary>
internal static class ExperimentsCommand
{
    public static Command Create()
    {
        var lake = CommonOptions.Lake();
        var json = CommonOptions.Json();
        var asOf = CommonOptions.AsOf();
        var raw = ReadModel.Raw();
        var filters = new FilterOptions();
        var command = new Command("experiments", "A/B comparisons per experiment and case type: weighted precision/recall, automation, SLA, verdicts");
        command.Options.Add(lake);
        command.Options.Add(asOf);
        command.Options.Add(json);
        command.Options.Add(raw);
        filters.AddTo(command);
        command.SetAction(parseResult =>
        {
            var filter = filters.Read(parseResult);
            var at = CommonOptions.ParseAsOf(parseResult.GetValue(asOf), TimeProvider.System);
            var registry = Registry();
            using var warehouse = ReadModel.Open(parseResult.GetValue(lake)!, parseResult.GetValue(raw), TimeProvider.System);
            var report = warehouse.GetExperiments(filter, at, registry);
            Console.Out.Write(parseResult.GetValue(json) ? ReadModel.Json(warehouse, report) : Render(report));
            return 0;
        });
        return command;
    }

    /// <summary>The experiment registry from the environment (<c>Experiments__Registry__0__Name=…</c>); a broken one is one line, exit 2.</summary>
    internal static ExperimentRegistry Registry()
    {
        try
        {
            return ExperimentRegistry.From(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        }
        catch (ExperimentRegistryException ex)
        {
            throw new CliUsageException(ex.Message);
        }
    }

    /// <summary>One block per experiment entry: the arms' figures, then each comparison with control and the verdicts.</summary>
    internal static string Render(ExperimentReport report)
    {
        if (report.Experiments.Count == 0)
        {
            return "no decisions with an experiment in scope\n";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"as of {report.AsOf:yyyy-MM-dd HH:mm:ss}Z (UTC). Precision/recall on weighted labels (review 1 or its weight, audit_sample its weight); n = effective n; '-' = no data.\n");
        foreach (var entry in report.Experiments)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n{entry.Experiment} — {entry.CaseType ?? "all case types"}\n");
            var rows = new List<string[]> { new[] { "variant", "decisions", "labeled", "precision_w (n)", "recall_w (n)", "automation", "SLA", "precision_est", "recall_est" } };
            rows.AddRange(entry.Variants.Select(v => new[]
            {
                v.Variant,
                v.Decisions.ToString(CultureInfo.InvariantCulture),
                v.LabeledCases.ToString(CultureInfo.InvariantCulture),
                $"{Ratio(v.PrecisionWeighted)} ({v.PrecisionWeightedN.ToString("0.#", CultureInfo.InvariantCulture)})",
                $"{Ratio(v.RecallWeighted)} ({v.RecallWeightedN.ToString("0.#", CultureInfo.InvariantCulture)})",
                Percent(v.AutomationRate),
                Percent(v.SlaCompliance),
                Ratio(v.PrecisionEst),
                Ratio(v.RecallEst),
            }));
            text.Append(TextTable.Format(rows));
            if (entry.Comparisons.Count > 0)
            {
                var compared = new List<string[]> { new[] { "variant", "figure", "control", "variant value", "diff [95% Newcombe]", "significant" } };
                compared.AddRange(entry.Comparisons.Select(c => new[]
                {
                    c.Variant,
                    c.Metric,
                    Ratio(c.Control),
                    Ratio(c.Value),
                    c.Diff is { } d ? $"{Signed(d)} [{Signed(c.CiLow)}, {Signed(c.CiHigh)}]" : "-",
                    c.Significant ? "yes" : (c.N < 30 || c.ControlN < 30 ? "no (n < 30)" : "no"),
                }));
                text.Append(TextTable.Format(compared));
                text.Append("verdicts: ").Append(string.Join(", ", entry.Verdicts.Select(v => $"{v.Key} {v.Value}"))).Append('\n');
                foreach (var need in entry.CasesNeeded)
                {
                    text.Append(need.NeededPerArm is { } perArm
                        ? FormattableString.Invariant($"{need.Variant} continue: {perArm} per arm on {need.Metric} would settle it at the observed difference (80 % power, alpha 0.05): {need.MoreVariant} more in {need.Variant}, {need.MoreControl} more in control\n")
                        : FormattableString.Invariant($"{need.Variant} continue: no observed difference that would decide; more cases alone may not settle it\n"));
                }
            }

            var rails = entry.GuardRails;
            text.Append(rails.Registered
                ? FormattableString.Invariant($"registry: owner {rails.Owner}; case types {string.Join(", ", rails.RegisteredCaseTypes)}; planned split {string.Join(" / ", rails.PlannedSplit.Select(p => $"{p.Variant} {p.Share:0.###}"))}\n")
                : "registry: unregistered\n");
            text.Append(CultureInfo.InvariantCulture, $"running: {(rails.DaysRunning is { } d ? d.ToString("0.#", CultureInfo.InvariantCulture) + " days since " + (rails.StartSource == "registry" ? "the registered start" : "the first decision") : "-")}; SRM: {rails.Srm.Note}\n");
            foreach (var warning in rails.Warnings)
            {
                text.Append("warning: ").Append(warning).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Ratio(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "-";

    private static string Percent(double? value) => value is { } v ? v.ToString("0.0%", CultureInfo.InvariantCulture) : "-";

    private static string Signed(double? value) => value is { } v ? v.ToString("+0.000;-0.000;0.000", CultureInfo.InvariantCulture) : "-";
}
