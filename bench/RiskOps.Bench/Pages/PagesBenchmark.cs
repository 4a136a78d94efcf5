using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using RiskOps.Bench.Metrics;
using RiskOps.Web;

namespace RiskOps.Bench.Pages;

/// <summary>
/// <c>pages --decisions N [--requests R] [--uncached U]</c>: starts the web app (<c>WebHostEntry.Build</c>, Kestrel on a
/// free loopback port) over the synthetic lake with a fresh rollup, logs in through <c>/login</c> (cookie + anti-forgery
/// token), and times every dashboard page from the client: the first hit, R repeated hits of the same URL (p50/p95; the
/// app caches figures per minute, so these are mostly cache hits) and U hits each with a different <c>as_of</c> (every one
/// recomputes its figures).
/// </summary>
internal static partial class PagesBenchmark
{
    private static readonly string[] Paths = ["/", "/model", "/calibration", "/clusters", "/sla", "/bpo", "/sop", "/data"];

    private const string Password = "bench-admin-password-1";

    public static async Task<int> RunAsync(string[] args)
    {
        var decisions = BenchSupport.IntArg(args, "--decisions", 1_000_000);
        var requests = BenchSupport.IntArg(args, "--requests", 20);
        var uncached = BenchSupport.IntArg(args, "--uncached", 3);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pages benchmark: {decisions:N0} decisions, {requests} repeated + {uncached} uncached requests per page, {Environment.ProcessorCount} cores, load average {MetricsBenchmark.LoadAverage()}"));
        var lake = SyntheticLake.Ensure(decisions);
        SyntheticLake.EnsureFreshRollups(lake);

        // Recurring jobs off: a rollup refresh or compaction firing mid-run would measure the job, not the pages.
        await using var app = WebHostEntry.Build(
        [
            "--lake", lake, "--urls", "http://127.0.0.1:0",
            "--Demo:SeedOnStart=false", $"--Auth:AdminPassword={Password}",
            "--Jobs:LandingScanCron=", "--Jobs:CompactionCron=", "--Jobs:RollupCron=",
            "--Dashboard:QueryTimeout=00:10:00", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
        ]);
        await app.StartAsync();
        try
        {
            var baseAddress = new Uri(app.Urls.First());
            using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false, UseCookies = true };
            using var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(10) };
            await LogInAsync(client);

            var asOf = SyntheticLake.AsOf.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
            var rows = new List<string>();
            var figures = new Dictionary<string, double>();
            var minute = 1;
            foreach (var path in Paths)
            {
                var url = $"{path}?as_of={asOf}";
                var (first, bytes) = await GetAsync(client, url);
                var repeated = new List<double>();
                using var self = Process.GetCurrentProcess();
                var cpu = self.TotalProcessorTime;
                for (var i = 0; i < requests; i++)
                {
                    repeated.Add((await GetAsync(client, url)).Ms);
                }

                self.Refresh();
                var cpuPerRequest = (self.TotalProcessorTime - cpu).TotalMilliseconds / Math.Max(1, requests);
                var fresh = new List<double>();
                for (var i = 0; i < uncached; i++)
                {
                    // A different as-of minute is a different cache key: the page recomputes every figure.
                    var other = SyntheticLake.AsOf.AddMinutes(minute++).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
                    fresh.Add((await GetAsync(client, $"{path}?as_of={other}")).Ms);
                }

                var p50 = Timing.Percentile(repeated, 50);
                var p95 = Timing.Percentile(repeated, 95);
                var uncachedMedian = Timing.Median(fresh);
                var all = repeated.Concat(fresh).Append(first).ToList();
                var key = path == "/" ? "overview" : path.TrimStart('/');
                figures[key + "_p95"] = p95;
                figures[key + "_first"] = first;
                if (uncached > 0)
                {
                    figures[key + "_uncached"] = uncachedMedian;
                }

                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| `{path}` | {Timing.Ms(first)} | {Timing.Ms(p50)} | {Timing.Ms(p95)} | {Timing.Ms(cpuPerRequest)} | {(uncached > 0 ? Timing.Ms(uncachedMedian) : "—")} | {(uncached > 0 ? Timing.Ms(fresh.Max()) : "—")} | {Timing.Ms(Timing.Percentile(all, 95))} | {bytes / 1024.0:N0} KB |"));
                Console.WriteLine($"  {path}: first {Timing.Ms(first)} ms, repeated p50 {Timing.Ms(p50)} / p95 {Timing.Ms(p95)} ms, uncached median {Timing.Ms(uncachedMedian)} ms");
            }

            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"## pages, {decisions:N0} decisions, fresh rollup, client wall time on loopback (as_of {asOf})"));
            Console.WriteLine();
            Console.WriteLine($"| page | first hit ms | p50 ms (n={requests}, same URL) | p95 ms | CPU ms / repeated request | uncached median ms (n={uncached}, new as_of each) | uncached max ms | p95 ms, all {requests + uncached + 1} | size |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            rows.ForEach(Console.WriteLine);
            Console.WriteLine();
            Console.WriteLine("Goal: p95 ≤ 150 ms with rollups. \"Same URL\" repeats are answered from the app's per-minute figure cache;");
            Console.WriteLine("the uncached column is the cost of a page whose figures are not cached yet (a new filter or as-of).");
            Timing.Save("pages", decisions, figures);
            Timing.PrintGrowth("pages", [.. figures.Keys]);
            return 0;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static async Task LogInAsync(HttpClient client)
    {
        var form = await client.GetStringAsync("/login");
        var token = Token().Match(form);
        if (!token.Success)
        {
            throw new InvalidOperationException("no anti-forgery token on /login");
        }

        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = "admin",
            ["Password"] = Password,
            ["ReturnUrl"] = "/",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        });
        using var response = await client.PostAsync("/login", content);
        if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.Found)
        {
            throw new InvalidOperationException($"login failed: HTTP {(int)response.StatusCode}");
        }
    }

    private static async Task<(double Ms, long Bytes)> GetAsync(HttpClient client, string url)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        var ms = stopwatch.Elapsed.TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {url}: HTTP {(int)response.StatusCode}");
        }

        return (ms, body.LongLength);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
