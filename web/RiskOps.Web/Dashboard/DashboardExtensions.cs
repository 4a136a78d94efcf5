using System.Reflection;
using RiskOps.Web.Auth;

namespace RiskOps.Web.Dashboard;

/// <summary>The server-rendered dashboard: Razor pages, stylesheet, status pages.</summary>
internal static class DashboardExtensions
{
    /// <summary>Razor pages (anti-forgery on every form is Razor's default).</summary>
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<DashboardOptions>, DashboardOptionsValidation>();
        builder.Services.AddSingleton<PageDeadlines>();
        builder.Services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/", Policies.Dashboards);
            options.Conventions.AllowAnonymousToPage("/Login");
            options.Conventions.AllowAnonymousToPage("/Status");
        });
        return builder;
    }

    /// <summary>Error and status pages (400/403/404/429/500 render the same layout, without a stack trace).</summary>
    public static WebApplication UseDashboardErrors(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/status/500");
        }

        app.UseStatusCodePagesWithReExecute("/status/{0}");
        return app;
    }

    /// <summary>Maps the pages and the stylesheet.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        var css = ReadResource("RiskOps.Web.Dashboard.app.css");
        app.MapGet("/css/app.css", () => Results.Text(css, "text/css")).AllowAnonymous();
        app.MapRazorPages();
        return app;
    }

    private static string ReadResource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"missing resource {name}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
