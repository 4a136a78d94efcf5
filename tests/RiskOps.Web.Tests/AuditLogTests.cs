using System.Net;
using System.Text;
using RiskOps.Reports.Delivery;
using RiskOps.Web.Audit;

namespace RiskOps.Web.Tests;

/// <summary>The audit log file (concurrent appends, torn lines, bounded reads) and the record of every download.</summary>
[Collection(WebCollection.Name)]
public sealed class AuditLogTests(WebAppFixture app)
{
    private const string AsOf = "as_of=2026-11-16T00:00:00Z";

    [Fact]
    public async Task Record_ConcurrentWriters_EveryLineWholeAndReadable()
    {
        var lake = Directory.CreateTempSubdirectory("riskops-audit-").FullName;
        try
        {
            // Two log objects stand in for two processes on one volume.
            var logs = new[] { new FileAuditLog(lake), new FileAuditLog(lake) };
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(() =>
            {
                for (var i = 0; i < 200; i++)
                {
                    logs[w % 2].Record(new AuditEntry(DateTimeOffset.UnixEpoch.AddSeconds(i), "w" + w, AuditActions.ExportCsv, new string('x', 300) + i));
                }
            })));

            Assert.Equal(1600, logs[0].Count());
            var all = logs[0].Newest(0, 5000);
            Assert.Equal(1600, all.Count);
            Assert.DoesNotContain(all, e => e.Action != AuditActions.ExportCsv);
            Assert.Equal(200, all.Count(e => e.Actor == "w3"));
        }
        finally
        {
            Directory.Delete(lake, recursive: true);
        }
    }

    [Fact]
    public void Newest_TornLastLineAndChunkBoundaries_OnlyCompleteLinesNewestFirst()
    {
        var lake = Directory.CreateTempSubdirectory("riskops-audit-").FullName;
        try
        {
            var log = new FileAuditLog(lake);
            for (var i = 0; i < 1000; i++)
            {
                log.Record(new AuditEntry(DateTimeOffset.UnixEpoch, "u", "a", "t" + i, new string('d', i % 250)));
            }

            // A crash mid-write leaves a line without its newline; a hand edit a line that is not JSON.
            File.AppendAllText(log.Path, "{\"time\":\"2026-");
            Assert.Equal(1000, log.Count());
            Assert.Equal(["t999", "t998", "t997"], log.Newest(0, 3).Select(e => e.Target));
            Assert.Equal(["t499", "t498"], log.Newest(500, 2).Select(e => e.Target));
            Assert.Equal(["t0"], log.Newest(999, 10).Select(e => e.Target));
            Assert.Empty(log.Newest(1000, 10));

            File.AppendAllText(log.Path, "\nnot json\n");
            Assert.Equal("unreadable_line", log.Newest(0, 1)[0].Action);
            Assert.Equal(1002, log.Count());
        }
        finally
        {
            Directory.Delete(lake, recursive: true);
        }
    }

    [Fact]
    public void Record_LongValues_Cut()
    {
        var lake = Directory.CreateTempSubdirectory("riskops-audit-").FullName;
        try
        {
            var log = new FileAuditLog(lake);
            log.Record(new AuditEntry(DateTimeOffset.UnixEpoch, "u", "a", new string('t', 5000), new string('d', 5000)));
            var entry = Assert.Single(log.Newest(0, 5));
            Assert.Equal(FileAuditLog.MaxFieldLength + 1, entry.Target.Length);
            Assert.Equal(FileAuditLog.MaxFieldLength + 1, entry.Detail!.Length);
        }
        finally
        {
            Directory.Delete(lake, recursive: true);
        }
    }

    [Fact]
    public async Task Downloads_CsvAndPdf_EachRecordedWithUserPathAndFiltersOnly()
    {
        var log = new FileAuditLog(app.Lake);
        var before = log.Count();
        var client = await app.LoginAsync("lena");

        var csv = await client.GetAsync($"/export/sla/by_case_type.csv?{AsOf}&week=2026-W46&case_type=ATO&junk=secret-value");
        var today = await client.GetAsync($"/export/today/cases.csv?{AsOf}");
        var id = new ReportArchive(app.Lake).Write(ReportArchive.OnDemand, "2026-W46", "audit-test.pdf", Encoding.ASCII.GetBytes("%PDF-1.4 test"));
        var pdf = await client.GetAsync($"/reports?handler=Download&id={Uri.EscapeDataString(id)}");
        var refused = await client.GetAsync($"/export/sla/nope.csv?{AsOf}");

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound), (csv.StatusCode, today.StatusCode, pdf.StatusCode, refused.StatusCode));
        var entries = log.Newest(0, (int)(log.Count() - before)).Where(e => e.Actor == "lena").ToList();
        Assert.Equal([AuditActions.ExportPdf, AuditActions.ExportCsv, AuditActions.ExportCsv], entries.Select(e => e.Action));
        Assert.StartsWith("/export/sla/by_case_type.csv (sla-", entries[2].Target, StringComparison.Ordinal);
        Assert.Equal("week=2026-W46; case_type=ATO; as_of=2026-11-16T00:00:00Z", entries[2].Detail);
        Assert.Equal("/reports (audit-test.pdf)", entries[0].Target);
        Assert.DoesNotContain(entries, e => (e.Detail ?? "").Contains("secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GenerateNow_Lead_RecordedWithWeekAndScope()
    {
        var log = new FileAuditLog(app.Lake);
        var client = await app.LoginAsync("lena");
        var form = await client.GetStringAsync("/reports");

        var response = await client.PostAsync("/reports?handler=Generate", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Week"] = "2026-W46",
            ["Vendor"] = "Keystone",
            ["__RequestVerificationToken"] = WebAppFixture.AntiForgeryToken(form),
        }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var entry = Assert.Single(log.Newest(0, 50), e => e.Action == AuditActions.ReportGenerate && e.Actor == "lena");
        Assert.StartsWith(ReportArchive.OnDemand + "/", entry.Target, StringComparison.Ordinal);
        Assert.Equal("week 2026-W46; vendor Keystone", entry.Detail);
    }
}
