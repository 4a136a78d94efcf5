using System.CommandLine;
using Microsoft.Extensions.Configuration;
using RiskOps.Reports.Delivery;
using RiskOps.Reports.Pdf;
using RiskOps.Sql.Model;

namespace RiskOps.Cli.Commands;

/// <summary>
/// <c>riskops report --lake DIR --week YYYY-Www --out FILE.pdf [FILTERS] [--as-of TS] [--email --to ADDR...]</c>: the weekly
/// calibration pack, rendered by the same <see cref="PackRenderer"/> the subscription job uses. FILTERS here are the scope
/// filters (<c>--case-type --vendor --region --model-version</c>); the contract's <c>--to ADDR</c> takes the place of the
/// date filter <c>--to</c>, which a weekly pack does not need.
/// </summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var lake = CommonOptions.Lake();
        var asOf = CommonOptions.AsOf();
        var week = new Option<string>("--week") { Description = "UTC ISO week of the pack, YYYY-Www", Required = true };
        var output = new Option<string>("--out") { Description = "The PDF file to write", Required = true };
        var email = new Option<bool>("--email") { Description = "Also email the pack (SMTP from Smtp__Host, Smtp__Port, Smtp__From, ...)" };
        var to = new Option<string[]>("--to") { Description = "Recipient address (repeatable; with --email)", Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false };
        var filters = new FilterOptions();
        var command = new Command("report", "Weekly calibration pack as PDF (A4), optionally emailed");
        command.Options.Add(lake);
        command.Options.Add(week);
        command.Options.Add(output);
        command.Options.Add(asOf);
        // The FILTERS narrow the scope; the period is the week, so --from/--to dates do not apply and --to names recipients.
        command.Options.Add(filters.CaseType);
        command.Options.Add(filters.ModelVersion);
        command.Options.Add(filters.Region);
        command.Options.Add(filters.Vendor);
        command.Options.Add(email);
        command.Options.Add(to);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var period = ReportPeriod.Parse(parseResult.GetValue(week)!);
            var scope = new MetricFilters
            {
                CaseTypes = Clean(parseResult.GetValue(filters.CaseType)),
                ModelVersions = Clean(parseResult.GetValue(filters.ModelVersion)),
                Regions = Clean(parseResult.GetValue(filters.Region)),
                Vendors = Clean(parseResult.GetValue(filters.Vendor)),
            };
            var at = CommonOptions.ParseAsOf(parseResult.GetValue(asOf), TimeProvider.System);
            var recipients = (parseResult.GetValue(to) ?? []).Where(r => !string.IsNullOrWhiteSpace(r)).ToList();
            var send = parseResult.GetValue(email);
            var smtp = new SmtpOptions();
            if (send)
            {
                new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(SmtpOptions.SectionName).Bind(smtp);
                if (recipients.Count == 0)
                {
                    throw new CliUsageException("--email needs at least one --to address");
                }

                if (!smtp.IsConfigured)
                {
                    throw new CliUsageException("--email needs an SMTP server: set Smtp__Host (and Smtp__Port, Smtp__From, Smtp__Security)");
                }
            }
            else if (recipients.Count > 0)
            {
                throw new CliUsageException("--to is only used with --email");
            }

            var lakeRoot = MetricsCommand.ExistingLake(parseResult.GetValue(lake)!);
            var pack = new PackRenderer(TimeProvider.System, ExperimentsCommand.Registry()).Render(lakeRoot, new PackRequest(period, scope, at));
            var path = Path.GetFullPath(parseResult.GetValue(output)!);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, pack.Pdf, cancellationToken);
            Console.Out.WriteLine($"wrote {path} ({pack.Pdf.Length:N0} bytes): {CalibrationPack.Title(pack.Data)}, " +
                $"scope {CalibrationPack.ScopeText(pack.Data.Request.Scope)}, {pack.Data.Current.Overall.Decisions:N0} cases" +
                (pack.Data.IsEmpty ? " (empty period)" : ""));
            if (send)
            {
                string messageId;
                try
                {
                    messageId = await ReportMailer.SendAsync(
                        smtp,
                        new ReportEmail(recipients, CalibrationPack.Title(pack.Data), pack.SummaryHtml, pack.SummaryText, pack.Pdf, CalibrationPack.FileName(period, pack.Data.Request.Scope)),
                        cancellationToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // The pack is on disk either way: say where, and that the same command sends it once SMTP answers.
                    await Console.Error.WriteLineAsync(
                        $"error: the pack was written to {path} but not emailed via {smtp.Host}:{smtp.Port}: {OneLine(ex)}; the PDF is kept, run the same command again to retry");
                    return 2;
                }

                Console.Out.WriteLine($"emailed to {string.Join(", ", recipients)} via {smtp.Host}:{smtp.Port} ({messageId})");
            }

            return 0;
        });
        return command;
    }

    private static string OneLine(Exception ex)
    {
        var inner = ex.InnerException is { } i && !ex.Message.Contains(i.Message, StringComparison.Ordinal) ? $" ({i.Message})" : "";
        return (ex.Message + inner).ReplaceLineEndings(" ");
    }

    private static string[] Clean(string[]? values) =>
        values is null ? [] : values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
}
