using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Lake;
using RiskOps.Web.Auth;

namespace RiskOps.Web.Tests;

/// <summary>
/// The app on a test server over a small demo lake (landed through the real IngestPipeline), with one user per role.
/// Figures are asked for at a fixed <see cref="AsOf"/> so nothing depends on today's date.
/// </summary>
public sealed partial class WebAppFixture : IAsyncLifetime
{
    public const string Password = "correct horse battery staple";
    public const string AdminPassword = "admin-test-password";
    public const string ApiKey = "test-api-key-1";

    /// <summary>The demo data's as-of instant; pages are asked with <c>as_of</c> = this.</summary>
    public static readonly DateTimeOffset AsOf = new(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);

    public string Lake { get; } = Path.Combine(Path.GetTempPath(), "riskops-web-tests-" + Guid.NewGuid().ToString("N"));

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    /// <summary>Settings every test host shares.</summary>
    public static Dictionary<string, string?> BaseSettings(string lake) => new()
    {
        ["Lake:Root"] = lake,
        ["Lake:HashKey"] = "web-tests-hash-key",
        ["Demo:SeedOnStart"] = "false",
        // The 30 s page deadline is a production answer; a test page on a loaded 2-core runner may take longer than that
        // without being wrong (PageDeadlineTests sets its own short deadline).
        ["Dashboard:QueryTimeout"] = "00:05:00",
        ["Auth:AdminPassword"] = AdminPassword,
        ["Auth:LoginAttemptsPerMinute"] = "1000",
        ["Auth:Users:lena:PasswordHash"] = UserStore.HashPassword(Password),
        ["Auth:Users:lena:Roles"] = "lead",
        ["Auth:Users:max:PasswordHash"] = UserStore.HashPassword(Password),
        ["Auth:Users:max:Roles"] = "manager",
        ["Auth:Users:dana:PasswordHash"] = UserStore.HashPassword(Password),
        ["Auth:Users:dana:Roles:0"] = "data",
        ["Ingest:ApiKeys:0"] = ApiKey,
        ["Ingest:MaxBodyBytes"] = "200000",
    };

    /// <summary>A host over <paramref name="lake"/> with extra settings.</summary>
    public static WebApplicationFactory<Program> CreateFactory(string lake, IDictionary<string, string?>? extra = null)
    {
        var settings = BaseSettings(lake);
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseEnvironment("Production");
            builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(settings));
        });
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Lake);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(BaseSettings(Lake)).Build();
        var pipeline = IngestPipeline.Create(Lake, configuration);
        await DemoGenerator.RunAsync(pipeline, new DemoOptions(Cases: 3000, Seed: 7, Weeks: 4, AsOf: AsOf, WithBadRecords: true), TimeProvider.System, null, CancellationToken.None);
        Factory = CreateFactory(Lake);
    }

    public async Task DisposeAsync()
    {
        await Factory.DisposeAsync();
        Directory.Delete(Lake, recursive: true);
    }

    /// <summary>A client without cookies or redirects.</summary>
    public HttpClient Anonymous() => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>A client logged in as <paramref name="user"/>.</summary>
    public Task<HttpClient> LoginAsync(string user) => LoginAsync(Factory, user, user == "admin" ? AdminPassword : Password);

    /// <summary>Logs in through the real form (anti-forgery token included); asserts the redirect.</summary>
    public static async Task<HttpClient> LoginAsync(WebApplicationFactory<Program> factory, string user, string password)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await PostLoginAsync(client, user, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    /// <summary>Fetches the login form and posts it.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string user, string password)
    {
        var form = await client.GetStringAsync("/login");
        var token = AntiForgeryToken(form);
        return await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = user,
            ["Password"] = password,
            ["__RequestVerificationToken"] = token,
        }));
    }

    /// <summary>The anti-forgery token of a rendered form.</summary>
    public static string AntiForgeryToken(string html) => TokenPattern().Match(html) is { Success: true } m
        ? WebUtility.HtmlDecode(m.Groups[1].Value)
        : throw new InvalidOperationException("no anti-forgery token in the page");

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}

[CollectionDefinition(Name)]
public sealed class WebCollection : ICollectionFixture<WebAppFixture>
{
    public const string Name = "web";
}
