using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace RiskOps.Web.Auth;

/// <summary>Session lifetimes (section <c>Auth</c>).</summary>
internal sealed class SessionOptions
{
    /// <summary>Configuration section name (shared with the other <c>Auth</c> settings).</summary>
    public const string SectionName = "Auth";

    /// <summary>A session ends after this long without a request (sliding).</summary>
    /// <value>Default: 8 hours.</value>
    public double SessionIdleHours { get; set; } = 8;

    /// <summary>A session ends this long after the log-in, however active it is.</summary>
    /// <value>Default: 12 hours.</value>
    public double SessionAbsoluteHours { get; set; } = 12;

    /// <summary>Failed log-ins per user name within <see cref="FailedLoginWindowMinutes"/> before that account is locked for the rest of the window.</summary>
    /// <value>Default: 10.</value>
    public int FailedLoginsPerAccount { get; set; } = 10;

    /// <summary>The window of <see cref="FailedLoginsPerAccount"/>.</summary>
    /// <value>Default: 15 minutes.</value>
    public int FailedLoginWindowMinutes { get; set; } = 15;
}

/// <summary>The claims a session carries besides name and roles.</summary>
internal static class SessionClaims
{
    /// <summary>The user's security stamp at log-in (<see cref="UserStore.SecurityStamp"/>).</summary>
    public const string Stamp = "riskops:stamp";

    /// <summary>The log-in instant (Unix seconds), for the absolute lifetime; sliding renewals keep it.</summary>
    public const string AuthTime = "riskops:auth_time";

    /// <summary>The vendor a scoped user sees (absent for everyone else); kept current by the stamp check.</summary>
    public const string Vendor = "riskops:vendor";
}

/// <summary>
/// Sessions live on the server: the cookie holds only a random key into this store, so logging out removes the session
/// and a copy of the old cookie is worthless. A restart ends every session (users log in again), which is the safe side.
/// </summary>
internal sealed class MemoryTicketStore(TimeProvider time) : ITicketStore
{
    private readonly ConcurrentDictionary<string, AuthenticationTicket> _tickets = new(StringComparer.Ordinal);

    /// <summary>Live sessions (for tests and the admin's view).</summary>
    public int Count => _tickets.Count;

    /// <inheritdoc />
    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        Sweep();
        var key = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        _tickets[key] = ticket;
        return Task.FromResult(key);
    }

    /// <inheritdoc />
    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        // Only a live session is renewed: a request racing a logout must not bring the session back.
        if (_tickets.ContainsKey(key))
        {
            _tickets[key] = ticket;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<AuthenticationTicket?> RetrieveAsync(string key) =>
        Task.FromResult(_tickets.TryGetValue(key, out var ticket) && !Expired(ticket) ? ticket : null);

    /// <inheritdoc />
    public Task RemoveAsync(string key)
    {
        _tickets.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    private bool Expired(AuthenticationTicket ticket) => ticket.Properties.ExpiresUtc is { } expires && expires < time.GetUtcNow();

    private void Sweep()
    {
        foreach (var (key, ticket) in _tickets)
        {
            if (Expired(ticket))
            {
                _tickets.TryRemove(key, out _);
            }
        }
    }
}

/// <summary>The per-request session check (cookie <c>OnValidatePrincipal</c>): the user still exists with the same stamp, within the absolute lifetime.</summary>
internal static class SessionValidation
{
    /// <summary>Rejects the session (and deletes its cookie and server entry) when it is no longer valid.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var users = services.GetRequiredService<UserStore>();
        var options = services.GetRequiredService<IOptions<SessionOptions>>().Value;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var principal = context.Principal;
        var user = users.Find(principal?.Identity?.Name);
        var stamp = principal?.FindFirstValue(SessionClaims.Stamp);
        var authTime = long.TryParse(principal?.FindFirstValue(SessionClaims.AuthTime), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : (DateTimeOffset?)null;
        var reason = user is null ? "user no longer configured"
            : stamp != UserStore.SecurityStamp(user) ? "password or roles changed"
            : authTime is null || now - authTime.Value > TimeSpan.FromHours(options.SessionAbsoluteHours) ? "absolute session lifetime reached"
            : null;
        if (reason is null)
        {
            return;
        }

        services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SessionValidation))
            .LogInformation("Session of {User} ended: {Reason}", principal?.Identity?.Name, reason);
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }

    /// <summary>The claims of a new session for <paramref name="user"/>.</summary>
    public static ClaimsPrincipal Principal(DashboardUser user, DateTimeOffset now)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, user.Name),
            new(SessionClaims.Stamp, UserStore.SecurityStamp(user)),
            new(SessionClaims.AuthTime, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
        };
        claims.AddRange(user.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        if (user.Vendor is not null)
        {
            claims.Add(new Claim(SessionClaims.Vendor, user.Vendor));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }
}

/// <summary>
/// Failed log-ins per account (the rate limiter counts per client address): after <see cref="SessionOptions.FailedLoginsPerAccount"/>
/// failures within the window the account is refused, whatever the address, until the window has passed.
/// </summary>
internal sealed class LoginThrottle(IOptions<SessionOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (DateTimeOffset WindowStart, int Failures)> _failures = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="account"/> has used up its failures in the current window.</summary>
    public bool IsLocked(string? account) =>
        account is not null && _failures.TryGetValue(account.Trim(), out var entry) && InWindow(entry.WindowStart) && entry.Failures >= options.Value.FailedLoginsPerAccount;

    /// <summary>Counts a failure for <paramref name="account"/>.</summary>
    public void Failed(string? account)
    {
        if (string.IsNullOrWhiteSpace(account) || account.Length > 256)
        {
            return;
        }

        var now = time.GetUtcNow();
        _failures.AddOrUpdate(account.Trim(), _ => (now, 1), (_, e) => InWindow(e.WindowStart) ? (e.WindowStart, e.Failures + 1) : (now, 1));
        if (_failures.Count > 100_000)
        {
            // Bounded memory under a spray of invented names: expired windows go first.
            foreach (var (key, entry) in _failures)
            {
                if (!InWindow(entry.WindowStart))
                {
                    _failures.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>Forgets the failures after a successful log-in.</summary>
    public void Succeeded(string account) => _failures.TryRemove(account.Trim(), out _);

    private bool InWindow(DateTimeOffset start) => time.GetUtcNow() - start < TimeSpan.FromMinutes(options.Value.FailedLoginWindowMinutes);
}
