using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RiskOps.Web.Auth;

namespace RiskOps.Web.Tests;

public sealed class UserStoreTests
{
    private static UserStore Create(Dictionary<string, string?> settings, ILogger<UserStore>? logger = null) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), logger ?? NullLogger<UserStore>.Instance);

    [Fact]
    public void Verify_ConfiguredUser_ReturnsRolesFromListOrCommaText()
    {
        var store = Create(new()
        {
            ["Auth:AdminPassword"] = "a",
            ["Auth:Users:dana:PasswordHash"] = UserStore.HashPassword("secret"),
            ["Auth:Users:dana:Roles:0"] = "data",
            ["Auth:Users:dana:Roles:1"] = "Lead",
            ["Auth:Users:max:PasswordHash"] = UserStore.HashPassword("other"),
            ["Auth:Users:max:Roles"] = "manager, nonsense",
        });

        Assert.Equal(["data", "lead"], store.Verify("dana", "secret")!.Roles);
        Assert.Equal(["manager"], store.Verify("max", "other")!.Roles);
        Assert.Null(store.Verify("dana", "other"));
        Assert.Null(store.Verify("nobody", "secret"));
    }

    [Fact]
    public void Constructor_NoAdminPassword_GeneratesOneAndLogsItOnce()
    {
        var logger = new ListLogger();

        var store = Create([], logger);

        var warning = Assert.Single(logger.Warnings);
        var password = warning.Split('\'')[3];
        Assert.True(password.Length >= 16);
        Assert.Equal(["admin"], store.Verify("admin", password)!.Roles);
        Assert.Null(store.Verify("admin", "admin"));
    }

    [Fact]
    public void Constructor_AdminPasswordConfigured_LogsNoPassword()
    {
        var logger = new ListLogger();

        var store = Create(new() { ["Auth:AdminPassword"] = "chosen" }, logger);

        Assert.Empty(logger.Warnings);
        Assert.NotNull(store.Verify("admin", "chosen"));
    }

    private sealed class ListLogger : ILogger<UserStore>
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning)
            {
                Warnings.Add(formatter(state, exception));
            }
        }
    }
}
