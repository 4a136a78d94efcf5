using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace RiskOps.Web.Tests;

/// <summary>
/// Sessions are revocable (issue 12 item 5) and the login form resists guessing and Host tricks (item 15): logout ends
/// the session on the server, a removed user's cookie stops working on the next request, an absolute lifetime holds
/// however active the session is, failed logins are limited per account and never log the typed name.
/// </summary>
public sealed class SessionTests : IAsyncLifetime
{
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-web-sessions-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly LogCollector _logs = new();
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_lake);
        _factory = WebAppFixture.CreateFactory(_lake, new Dictionary<string, string?>
        {
            ["Auth:SessionAbsoluteHours"] = "1",
            ["Auth:SessionIdleHours"] = "8",
            ["Auth:FailedLoginsPerAccount"] = "3",
        }).WithWebHostBuilder(b =>
        {
            b.ConfigureServices(s => s.AddSingleton<TimeProvider>(_time));
            b.ConfigureLogging(l => l.AddProvider(_logs));
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_lake, recursive: true);
    }

    [Fact]
    public async Task Logout_OldCookieReplayed_SessionIsGone()
    {
        var jar = new CookieJar(_factory);
        await jar.LoginAsync("max", WebAppFixture.Password);
        Assert.Equal(HttpStatusCode.OK, (await jar.GetAsync("/reports")).StatusCode);
        var stolen = jar.Snapshot();

        var page = await (await jar.GetAsync("/reports")).Content.ReadAsStringAsync();
        var logout = await jar.PostFormAsync("/logout", new() { ["__RequestVerificationToken"] = WebAppFixture.AntiForgeryToken(page) });
        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);

        var replay = await new CookieJar(_factory, stolen).GetAsync("/reports");
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.StartsWith("/login", replay.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserRemovedFromConfiguration_NextRequestWithItsCookie_RedirectsToLogin()
    {
        var jar = new CookieJar(_factory);
        await jar.LoginAsync("max", WebAppFixture.Password);
        Assert.Equal(HttpStatusCode.OK, (await jar.GetAsync("/reports")).StatusCode);

        var configuration = (IConfigurationRoot)_factory.Services.GetRequiredService<IConfiguration>();
        configuration["Auth:Users:max:PasswordHash"] = "";
        configuration.Reload();

        var after = await jar.GetAsync("/reports");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Null(await new CookieJar(_factory).TryLoginAsync("max", WebAppFixture.Password));
    }

    [Fact]
    public async Task RoleChangedInConfiguration_NextRequestWithOldCookie_RedirectsToLogin()
    {
        var jar = new CookieJar(_factory);
        await jar.LoginAsync("dana", WebAppFixture.Password);
        Assert.Equal(HttpStatusCode.OK, (await jar.GetAsync("/export/data/lake.csv")).StatusCode);

        var configuration = (IConfigurationRoot)_factory.Services.GetRequiredService<IConfiguration>();
        configuration["Auth:Users:dana:Roles:0"] = "lead";
        configuration.Reload();

        Assert.Equal(HttpStatusCode.Redirect, (await jar.GetAsync("/export/data/lake.csv")).StatusCode);
    }

    [Fact]
    public async Task ActiveSessionPastAbsoluteLifetime_RedirectsToLogin()
    {
        var jar = new CookieJar(_factory);
        await jar.LoginAsync("lena", WebAppFixture.Password);
        for (var i = 0; i < 5; i++)
        {
            // Active every 10 minutes: the sliding expiry alone would keep the session alive for ever.
            Assert.NotEqual(HttpStatusCode.Redirect, (await jar.GetAsync("/cluster")).StatusCode);
            _time.Advance(TimeSpan.FromMinutes(10));
        }

        Assert.NotEqual(HttpStatusCode.Redirect, (await jar.GetAsync("/cluster")).StatusCode);
        _time.Advance(TimeSpan.FromMinutes(15));

        var expired = await jar.GetAsync("/cluster");
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
        Assert.StartsWith("/login", expired.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedLoginsForOneAccount_RightPasswordRefusedUntilWindowPasses_TypedNameNotLogged()
    {
        for (var i = 0; i < 3; i++)
        {
            var failed = await WebAppFixture.PostLoginAsync(_factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), "lena", "wrong-password-" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        var locked = await WebAppFixture.PostLoginAsync(_factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), "lena", WebAppFixture.Password);
        Assert.Equal((HttpStatusCode)429, locked.StatusCode);
        Assert.Null(await new CookieJar(_factory).TryLoginAsync("lena", WebAppFixture.Password));
        // Another account is not affected.
        Assert.NotNull(await new CookieJar(_factory).TryLoginAsync("max", WebAppFixture.Password));

        _time.Advance(TimeSpan.FromMinutes(16));
        Assert.NotNull(await new CookieJar(_factory).TryLoginAsync("lena", WebAppFixture.Password));

        var typed = "typed-secret-into-user-field";
        await WebAppFixture.PostLoginAsync(_factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false }), typed, "x");
        Assert.Contains(_logs.Messages, m => m.StartsWith("Failed login", StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Messages, m => m.Contains(typed, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RedirectToLogin_ArbitraryHostHeader_LocationIsRelative()
    {
        var client = _factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var request = new HttpRequestMessage(HttpMethod.Get, "/sla");
        request.Headers.Host = "evil.example";

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.False(response.Headers.Location!.IsAbsoluteUri, response.Headers.Location.OriginalString);
        Assert.DoesNotContain("evil.example", response.Headers.Location.OriginalString, StringComparison.Ordinal);
    }

    /// <summary>A client whose cookies are kept by hand, so a test can copy them (a stolen cookie) and replay them.</summary>
    private sealed class CookieJar
    {
        private readonly Dictionary<string, string> _cookies;

        public CookieJar(WebApplicationFactory<Program> factory, Dictionary<string, string>? cookies = null)
        {
            _cookies = cookies is null ? new(StringComparer.Ordinal) : new(cookies, StringComparer.Ordinal);
            Client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        }

        public HttpClient Client { get; }

        public Dictionary<string, string> Snapshot() => new(_cookies, StringComparer.Ordinal);

        public async Task LoginAsync(string user, string password) =>
            Assert.NotNull(await TryLoginAsync(user, password));

        public async Task<HttpResponseMessage?> TryLoginAsync(string user, string password)
        {
            var form = await (await GetAsync("/login")).Content.ReadAsStringAsync();
            var response = await PostFormAsync("/login", new()
            {
                ["UserName"] = user,
                ["Password"] = password,
                ["__RequestVerificationToken"] = WebAppFixture.AntiForgeryToken(form),
            });
            return response.StatusCode == HttpStatusCode.Redirect ? response : null;
        }

        public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

        public Task<HttpResponseMessage> PostFormAsync(string path, Dictionary<string, string> form) =>
            SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) });

        private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
        {
            if (_cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => $"{c.Key}={c.Value}")));
            }

            var response = await Client.SendAsync(request);
            if (response.Headers.TryGetValues("Set-Cookie", out var values))
            {
                foreach (var value in values)
                {
                    var pair = value.Split(';', 2)[0].Split('=', 2);
                    if (pair[1].Length == 0 || value.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                    {
                        _cookies.Remove(pair[0]);
                    }
                    else
                    {
                        _cookies[pair[0]] = pair[1];
                    }
                }
            }

            return response;
        }
    }

    /// <summary>Every log message of the host.</summary>
    private sealed class LogCollector : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages];

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCollector owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner._messages.Enqueue(formatter(state, exception));
        }
    }
}
