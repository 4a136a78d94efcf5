using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Primitives;

namespace RiskOps.Web.Auth;

/// <summary>A dashboard user from configuration.</summary>
/// <param name="Vendor">The BPO vendor this user is scoped to (<c>Auth:Users:&lt;name&gt;:Vendor</c>), null for the whole floor.</param>
internal sealed record DashboardUser(string Name, string PasswordHash, IReadOnlyList<string> Roles, string? Vendor = null);

/// <summary>
/// Users from configuration: <c>Auth:Users:&lt;name&gt;:PasswordHash</c> (ASP.NET Core <see cref="PasswordHasher{TUser}"/>
/// format) and <c>Auth:Users:&lt;name&gt;:Roles</c> (comma-separated or a list). The first-run administrator <c>admin</c>
/// takes its password from <c>Auth:AdminPassword</c>; when that is unset a random one is generated and logged once as a
/// warning, so a first start is usable without leaving a default password in the repository.
/// <c>Auth:Users:&lt;name&gt;:Vendor</c> scopes a user to one BPO vendor (see <see cref="VendorScope"/>).
/// </summary>
internal sealed class UserStore
{
    private static readonly PasswordHasher<DashboardUser> Hasher = new();
    private readonly IConfiguration _configuration;
    private readonly ILogger<UserStore> _logger;
    private readonly string? _generatedAdminPassword;
    private volatile Dictionary<string, DashboardUser> _users;

    public UserStore(IConfiguration configuration, ILogger<UserStore> logger)
    {
        _configuration = configuration;
        _logger = logger;
        if (string.IsNullOrEmpty(configuration["Auth:AdminPassword"]) && string.IsNullOrWhiteSpace(configuration["Auth:Users:admin:PasswordHash"]))
        {
            // Generated once per process, so a configuration reload does not change it.
            _generatedAdminPassword = Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y');
            logger.LogWarning(
                "First-run administrator: user 'admin', password '{Password}'. It is shown only now and changes on every start; set Auth__AdminPassword to choose one",
                _generatedAdminPassword);
        }

        _users = Load(logWarnings: true);

        // Users and roles follow the configuration while the app runs: a removed user or a changed role takes effect on
        // the next request of every session (see SecurityStamp).
        ChangeToken.OnChange(configuration.GetReloadToken, () => _users = Load(logWarnings: true));
    }

    private Dictionary<string, DashboardUser> Load(bool logWarnings)
    {
        var users = new Dictionary<string, DashboardUser>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in _configuration.GetSection("Auth:Users").GetChildren())
        {
            var hash = section["PasswordHash"];
            if (string.IsNullOrWhiteSpace(hash))
            {
                if (logWarnings)
                {
                    _logger.LogWarning("User {User} has no Auth:Users:{User}:PasswordHash and cannot log in", section.Key, section.Key);
                }

                continue;
            }

            var roles = ReadRoles(section.GetSection("Roles"));
            foreach (var unknown in roles.Except(Policies.Roles))
            {
                if (logWarnings)
                {
                    _logger.LogWarning("User {User} has unknown role {Role} (known: {Roles})", section.Key, unknown, string.Join(", ", Policies.Roles));
                }
            }

            var vendor = string.IsNullOrWhiteSpace(section["Vendor"]) ? null : section["Vendor"]!.Trim();
            users[section.Key] = new DashboardUser(section.Key, hash, roles.Intersect(Policies.Roles).ToList(), vendor);
        }

        if (!users.ContainsKey("admin"))
        {
            var password = _configuration["Auth:AdminPassword"];
            password = string.IsNullOrEmpty(password) ? _generatedAdminPassword ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(15)) : password;
            users["admin"] = new DashboardUser("admin", AdminHash(password), [Policies.AdminRole]);
        }

        return users;
    }

    // The admin's hash from Auth:AdminPassword is derived once per password, so a reload keeps the same stamp.
    private readonly Dictionary<string, string> _adminHashes = new(StringComparer.Ordinal);

    private string AdminHash(string password)
    {
        lock (_adminHashes)
        {
            if (!_adminHashes.TryGetValue(password, out var hash))
            {
                hash = HashPassword(password);
                _adminHashes[password] = hash;
            }

            return hash;
        }
    }

    /// <summary>The user by name, or null when the configuration no longer has it.</summary>
    public DashboardUser? Find(string? name) =>
        name is not null && _users.TryGetValue(name, out var user) ? user : null;

    /// <summary>
    /// The security stamp of a user: a hash of its name, password hash and roles. Kept in the session cookie and compared on
    /// every request, so a changed password, a changed role or a removed user ends that user's sessions.
    /// </summary>
    public static string SecurityStamp(DashboardUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var text = user.Name.ToLowerInvariant() + "\n" + user.PasswordHash + "\n" + string.Join(',', user.Roles.Order(StringComparer.Ordinal))
            // A changed vendor scope ends the user's sessions like a changed role (unscoped users keep their stamps).
            + (user.Vendor is null ? "" : "\nvendor:" + user.Vendor);
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..32];
    }

    /// <summary>Hashes a password in the format <c>Auth:Users:&lt;name&gt;:PasswordHash</c> expects.</summary>
    public static string HashPassword(string password) => Hasher.HashPassword(new DashboardUser("", "", []), password);

    /// <summary>The user when the password matches, else null (same answer for an unknown user and a wrong password).</summary>
    public DashboardUser? Verify(string? name, string? password)
    {
        if (string.IsNullOrEmpty(name) || string.IsNullOrEmpty(password) || Find(name) is not { } user)
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
