using System.Net;

namespace RiskOps.Web.Tests;

/// <summary>
/// Behind a TLS-terminating proxy (issue 12 item 13), on real Kestrel: X-Forwarded-Proto from a configured proxy makes
/// cookies Secure and adds HSTS; the same header from an address that is not a known proxy changes nothing.
/// </summary>
public sealed class ReverseProxyTests : IDisposable
{
    private readonly string _lake = Directory.CreateTempSubdirectory("riskops-web-proxy-").FullName;

    public void Dispose() => Directory.Delete(_lake, recursive: true);

    private async Task<HttpResponseMessage> LoginPageViaProxyAsync(string knownProxies)
    {
        await using var app = WebHostEntry.Build(
        [
            "--lake", _lake, "--urls", "http://127.0.0.1:0", "--Demo:SeedOnStart=false", "--Auth:AdminPassword=proxy-test-password",
            $"--Proxy:KnownProxies={knownProxies}",
        ]);
        await app.StartAsync();
        try
        {
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(app.Urls.First()) };
            var request = new HttpRequestMessage(HttpMethod.Get, "/login");
            request.Headers.Host = "riskops.example.com";
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
            var response = await client.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            return response;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Request_FromKnownProxyWithForwardedHttps_SecureCookiesAndHsts()
    {
        var response = await LoginPageViaProxyAsync("127.0.0.1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("Strict-Transport-Security"), "HSTS expected once the proxy says the client used TLS");
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, c => Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Request_FromUnknownAddressWithForwardedHttps_HeaderIgnored()
    {
        var response = await LoginPageViaProxyAsync("192.0.2.10");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.All(response.Headers.GetValues("Set-Cookie"), c => Assert.DoesNotContain("secure", c, StringComparison.OrdinalIgnoreCase));
    }
}
