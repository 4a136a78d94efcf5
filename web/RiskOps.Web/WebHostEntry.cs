namespace RiskOps.Web;

/// <summary>Builds and runs the dashboard and job server; shared by <c>web/</c> and <c>riskops serve</c>.</summary>
public static class WebHostEntry
{
    /// <summary>Builds the web application (dashboard, ingest API, Hangfire server) from command-line style args.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var app = builder.Build();
        app.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        return app;
    }

    /// <summary>Builds and runs until shutdown.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        await using var app = Build(args);
        await app.RunAsync();
        return 0;
    }
}
