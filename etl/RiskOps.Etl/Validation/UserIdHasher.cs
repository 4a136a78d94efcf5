using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using RiskOps.Etl.Lake;

namespace RiskOps.Etl.Validation;

/// <summary>
/// Keyed hash of user ids: lowercase hex of HMAC-SHA256(key, UTF-8 user id). The key is the UTF-8 bytes of
/// <see cref="LakeOptions.HashKey"/>; without one, a development key is generated once into a file outside the lake.
/// </summary>
public sealed class UserIdHasher
{
    /// <summary>Environment variable that overrides the development key file's location.</summary>
    public const string DevKeyFileVariable = "RISKOPS_DEV_KEY_FILE";

    private readonly byte[] _key;

    private UserIdHasher(byte[] key, bool isDevelopmentKey)
    {
        _key = key;
        IsDevelopmentKey = isDevelopmentKey;
    }

    /// <summary>True when the key is the generated development key.</summary>
    public bool IsDevelopmentKey { get; }

    /// <summary>Creates the hasher from options; generates or reuses the development key when no key is configured.</summary>
    public static UserIdHasher Create(LakeOptions options, ILogger logger)
    {
        if (!string.IsNullOrEmpty(options.HashKey))
        {
            return new UserIdHasher(Encoding.UTF8.GetBytes(options.HashKey), false);
        }

        var path = DevKeyPath(options);
        var key = ReadOrCreateDevKey(path);
        logger.LogWarning(
            "No Lake:HashKey configured: user ids are hashed with the development key in {DevKeyFile}. Set Lake:HashKey (env Lake__HashKey) in production; hashes are join keys, so never change it afterwards.",
            path);
        return new UserIdHasher(Encoding.UTF8.GetBytes(key), true);
    }

    /// <summary>Where the development key lives: <see cref="LakeOptions.DevKeyFile"/>, else env RISKOPS_DEV_KEY_FILE, else <c>~/.riskops/dev-hash-key</c>.</summary>
    public static string DevKeyPath(LakeOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.DevKeyFile))
        {
            return Path.GetFullPath(options.DevKeyFile);
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(DevKeyFileVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return Path.GetFullPath(fromEnvironment);
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".riskops", "dev-hash-key");
    }

    /// <summary>
    /// A reusable HMAC context with this key: one-shot <see cref="HMACSHA256.HashData(byte[], ReadOnlySpan{byte}, Span{byte})"/>
    /// sets up a fresh OpenSSL context per call, which dominated the per-row cost of a large ingest. Not thread-safe.
    /// </summary>
    internal IncrementalHash CreateHmac() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _key);

    /// <summary>The hash of one user id.</summary>
    public string Hash(string userId)
    {
        Span<byte> input = userId.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(userId.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(userId.Length)];
        var length = Encoding.UTF8.GetBytes(userId, input);
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, input[..length], mac);
        return Convert.ToHexStringLower(mac);
    }

    private static string ReadOrCreateDevKey(string path)
    {
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.Length > 0)
            {
                return existing;
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(key);
            writer.Flush();
            stream.Flush(flushToDisk: true);
            return key;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs, so both hash alike.
            return File.ReadAllText(path).Trim();
        }
    }
}
