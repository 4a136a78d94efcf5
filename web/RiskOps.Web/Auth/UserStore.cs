using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;

namespace RiskOps.Web.Auth;

/// <summary>A dashboard user from configuration.</summary>
internal sealed record DashboardUser(string Name, string PasswordHash, IReadOnlyList<string> Roles);

/// <summary>
/// Users from configuration: <c>Auth:Users:&lt;name&gt;:PasswordHash</c> (ASP.NET Core <see cref="PasswordHasher{TUser}"/>
/// format) and <c>Auth:Users:&lt;name&gt;:Roles</c> (comma-separated or a list). The first-run administrator <c>admin</c>
/// takes its password from <c>Auth:AdminPassword</c>; when that is unset a random one is generated and logged once as a
/// warning, so a first start is usable without leaving a default password in the repository.
/// </summary>
internal sealed class UserStore
{
    private static readonly PasswordHasher<DashboardUser> Hasher = new();
    private readonly Dictionary<string, DashboardUser> _users = new(StringComparer.OrdinalIgnoreCase);

    public UserStore(IConfiguration configuration, ILogger<UserStore> logger)
    {
        foreach (var section in configuration.GetSection("Auth:Users").GetChildren())
        {
            var hash = section["PasswordHash"];
            if (string.IsNullOrWhiteSpace(hash))
            {
                logger.LogWarning("User {User} has no Auth:Users:{User}:PasswordHash and cannot log in", section.Key, section.Key);
                continue;
            }

            var roles = ReadRoles(section.GetSection("Roles"));
            foreach (var unknown in roles.Except(Policies.Roles))
            {
                logger.LogWarning("User {User} has unknown role {Role} (known: {Roles})", section.Key, unknown, string.Join(", ", Policies.Roles));
            }

            _users[section.Key] = new DashboardUser(section.Key, hash, roles.Intersect(Policies.Roles).ToList());
        }

        if (!_users.ContainsKey("admin"))
        {
            var password = configuration["Auth:AdminPassword"];
            if (string.IsNullOrEmpty(password))
            {
                password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y');
                logger.LogWarning(
                    "First-run administrator: user 'admin', password '{Password}'. It is shown only now and changes on every start; set Auth__AdminPassword to choose one",
                    password);
            }

            _users["admin"] = new DashboardUser("admin", HashPassword(password), [Policies.AdminRole]);
        }
    }

    /// <summary>Hashes a password in the format <c>Auth:Users:&lt;name&gt;:PasswordHash</c> expects.</summary>
    public static string HashPassword(string password) => Hasher.HashPassword(new DashboardUser("", "", []), password);

    /// <summary>The user when the password matches, else null (same answer for an unknown user and a wrong password).</summary>
    public DashboardUser? Verify(string? name, string? password)
    {
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(password) || !_users.TryGetValue(name, out var user))
        {
            // Hash anyway so an unknown user costs the same time as a wrong password.
            Hasher.VerifyHashedPassword(new DashboardUser("", "", []), DummyHash.Value, password ?? "");
            return null;
        }

        var result = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        return result is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded ? user : null;
    }

    private static readonly Lazy<string> DummyHash = new(() => HashPassword(Guid.NewGuid().ToString()));

    private static List<string> ReadRoles(IConfigurationSection section)
    {
        var values = section.Value is { } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return values
            .SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(v => v.ToLowerInvariant())
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }
}
