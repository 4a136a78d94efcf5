using System.CommandLine;
using Microsoft.Extensions.Configuration;
using RiskOps.Web;
using RiskOps.Web.Hosting;

namespace RiskOps.Cli.Commands;

/// <summary><c>riskops serve --lake DIR [--urls URL]</c>: the dashboard, ingest API and job server (the same app as <c>web/</c>).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var lake = CommonOptions.Lake();
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on, e.g. http://127.0.0.1:5080 (default http://localhost:5000)" };
        var command = new Command(
            "serve",
            "Serve the dashboard, the ingest API and the job server over a lake. Generates demo data on first start when the lake has no decisions "
            + "(Demo:SeedOnStart). Log in as admin with the password from Auth__AdminPassword, or the one printed once at start.");
        command.Options.Add(lake);
        command.Options.Add(urls);

        // Lets `--Auth:AdminPassword=...` style configuration overrides through to the host.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parseResult, _) =>
        {
            var args = new List<string> { "--lake", parseResult.GetValue(lake)! };
            if (parseResult.GetValue(urls) is { Length: > 0 } addresses)
            {
                args.AddRange(["--urls", addresses]);
            }

            args.AddRange(parseResult.UnmatchedTokens);
            // Refuse an unsafe production start before anything else is tried (the host checks it again).
            ProductionMode.Validate(new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine([.. args]).Build());
            var listen = parseResult.GetValue(urls) is { Length: > 0 } given ? given : Environment.GetEnvironmentVariable("ASPNETCORE_URLS") ?? "http://localhost:5000";
            if (PortProbe.FirstInUse(listen) is { } busy)
            {
                throw new CliUsageException($"cannot listen on {busy}: the address is already in use (stop the other server or choose another with --urls)");
            }

            try
            {
                return await WebHostEntry.RunAsync([.. args]);
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                // The port was taken between the probe and the bind.
                throw new CliUsageException($"cannot listen: {ex.Message} (choose another address with --urls)");
            }
        });
        return command;
    }
}

/// <summary>Finds a listen address that is already taken, before the host starts (and logs a stack trace for it).</summary>
internal static class PortProbe
{
    /// <summary>The first of <paramref name="urls"/> (<c>;</c>-separated) whose port is in use, or null.</summary>
    public static string? FirstInUse(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel's wildcards (http://*:80, http://+:80) are not URIs; probe them as "any address".
            if (!Uri.TryCreate(url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out var uri) || uri.Port == 0)
            {
                continue;
            }

            var addresses = uri.Host is "localhost" ? [System.Net.IPAddress.Loopback]
                : System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? [ip]
                : Array.Empty<System.Net.IPAddress>();
            foreach (var address in addresses)
            {
                try
                {
                    var listener = new System.Net.Sockets.TcpListener(address, uri.Port);
                    listener.Start();
                    listener.Stop();
                }
                catch (System.Net.Sockets.SocketException ex) when (ex.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
                {
                    return url;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // Not ours to judge (no such interface, no permission): Kestrel reports it.
                }
            }
        }

        return null;
    }
}
