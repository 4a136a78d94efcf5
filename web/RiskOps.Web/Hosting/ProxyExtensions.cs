using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace RiskOps.Web.Hosting;

/// <summary>
/// Running behind a TLS-terminating reverse proxy (section <c>Proxy</c>): <c>X-Forwarded-For</c>/<c>-Proto</c> are
/// honoured only from <c>Proxy:KnownProxies</c> (IP addresses) or <c>Proxy:KnownNetworks</c> (CIDR), so the client
/// address (login limit, logs) and the scheme (Secure cookie, HSTS) are the real ones; from anyone else they are ignored.
/// </summary>
internal static class ProxyExtensions
{
    /// <summary>Configures forwarded headers from <c>Proxy:KnownProxies</c> and <c>Proxy:KnownNetworks</c> (comma-separated or lists).</summary>
    public static WebApplicationBuilder AddReverseProxySupport(this WebApplicationBuilder builder)
    {
        var proxies = Values(builder.Configuration, "Proxy:KnownProxies");
        var networks = Values(builder.Configuration, "Proxy:KnownNetworks");
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownProxies.Clear();
            options.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                options.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                    ? address
                    : throw new InvalidOperationException($"Proxy:KnownProxies: '{proxy}' is not an IP address"));
            }

            foreach (var network in networks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.TryParse(network, out var parsed)
                    ? parsed
                    : throw new InvalidOperationException($"Proxy:KnownNetworks: '{network}' is not a CIDR network (e.g. 172.16.0.0/12)"));
            }

            // One proxy in front: take the last hop it appended, never a client-supplied earlier value.
            options.ForwardLimit = builder.Configuration.GetValue("Proxy:ForwardLimit", 1);
        });
        return builder;
    }

    /// <summary>
    /// Forwarded headers (when a proxy is configured) first, then HSTS outside Development: the header is sent on HTTPS
    /// responses only (never to localhost), i.e. once the proxy says the client came over TLS.
    /// </summary>
    public static WebApplication UseReverseProxySupport(this WebApplication app)
    {
        var configuration = app.Configuration;
        if (Values(configuration, "Proxy:KnownProxies").Count > 0 || Values(configuration, "Proxy:KnownNetworks").Count > 0)
        {
            app.UseForwardedHeaders();
        }

        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        return app;
    }

    private static List<string> Values(IConfiguration configuration, string key)
    {
        var section = configuration.GetSection(key);
        var values = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
    }
}
