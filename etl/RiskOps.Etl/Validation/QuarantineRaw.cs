using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RiskOps.Etl.Sources;

namespace RiskOps.Etl.Validation;

/// <summary>
/// What the quarantine keeps of a refused record's text (contract v2: never a clear user id, whatever the record's shape).
/// </summary>
/// <param name="Raw">Readable text with every user id replaced by its hash, when the user id could be located; else null.</param>
/// <param name="Encrypted">When it could not: the bytes as delivered, encrypted (<see cref="QuarantineCipher"/>), if a key is configured.</param>
/// <param name="Sha256">When it could not: lowercase hex SHA-256 of the bytes as delivered.</param>
/// <param name="Length">When it could not: the number of bytes delivered (at most 1 MiB: a longer record is cut there).</param>
internal readonly record struct QuarantineRaw(string? Raw, string? Encrypted, string? Sha256, long? Length)
{
    /// <summary>For display (CLI, API samples): the readable text, or a note saying it is withheld.</summary>
    public string Display => Raw ?? string.Create(
        CultureInfo.InvariantCulture,
        $"(withheld, the user id cannot be located: {Length} bytes, sha256 {Sha256}{(Encrypted is null ? string.Empty : ", kept encrypted")})");

    /// <summary>
    /// Decides what to keep. The user id counts as <em>located</em> when the record split cleanly into fields of its declared
    /// kind, no value misfits its field (wrong type, shape, enum, format or range: what shifted or swapped columns look like),
    /// and either the kind's <c>user_id</c> field holds a string (or number) value, or the kind has no <c>user_id</c> field and
    /// the record carries none; and the source could rewrite every <c>user_id</c> it holds with its hash. Anything else keeps
    /// the delivered bytes only encrypted (with <paramref name="cipher"/>) or, without a key, only their hash and length.
    /// </summary>
    public static QuarantineRaw Of(IRecordSource source, RawRecord record, RecordValidator validator, QuarantineCipher? cipher)
    {
        if (record.Error is null && !record.ForeignUserId && !validator.LastMisfit && UserIdGiven(record, validator.UserIdIndex)
            && source.RenderLocatable(record, validator.HashUserId) is { } readable)
        {
            return new QuarantineRaw(readable, null, null, null);
        }

        var bytes = source.RawBytes(record).Span;
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(bytes, digest);
        return new QuarantineRaw(null, cipher?.Encrypt(bytes), Convert.ToHexStringLower(digest), bytes.Length);
    }

    private static bool UserIdGiven(RawRecord record, int userIdIndex) =>
        userIdIndex < 0 || record.Values[userIdIndex] switch
        {
            string text => text.Trim().Length > 0,
            IFormattable => true,
            _ => false,
        };
}

/// <summary>
/// AES-256-GCM for the quarantine's <c>raw_encrypted</c> column. Key: HKDF-SHA256 of the UTF-8 bytes of
/// <c>Lake:QuarantineKey</c> (no salt, info <c>riskops quarantine raw v1</c>, 32 bytes). Value: <c>v1:</c> followed by
/// base64 of nonce (12 random bytes) | ciphertext | tag (16 bytes); no associated data. Replay and erasure decrypt with
/// <see cref="Decrypt"/>.
/// </summary>
public sealed class QuarantineCipher
{
    /// <summary>The prefix of every encrypted value (the format version).</summary>
    public const string Prefix = "v1:";

    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Info = Encoding.UTF8.GetBytes("riskops quarantine raw v1");
    private readonly byte[] _key;

    /// <summary>Derives the AES key from the configured <c>Lake:QuarantineKey</c>.</summary>
    public QuarantineCipher(string quarantineKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(quarantineKey);
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(quarantineKey), 32, [], Info);
    }

    /// <summary>A cipher for the configured key, or null when none is configured.</summary>
    public static QuarantineCipher? For(string? quarantineKey) => string.IsNullOrEmpty(quarantineKey) ? null : new QuarantineCipher(quarantineKey);

    /// <summary>Encrypts <paramref name="plain"/> into the <c>v1:</c> format.</summary>
    public string Encrypt(ReadOnlySpan<byte> plain)
    {
        var packed = new byte[NonceSize + plain.Length + TagSize];
        var nonce = packed.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, packed.AsSpan(NonceSize, plain.Length), packed.AsSpan(NonceSize + plain.Length, TagSize));
        return Prefix + Convert.ToBase64String(packed);
    }

    /// <summary>The bytes as delivered from a <c>raw_encrypted</c> value.</summary>
    /// <exception cref="CryptographicException">Another key, or a damaged value.</exception>
    public byte[] Decrypt(string encrypted)
    {
        ArgumentNullException.ThrowIfNull(encrypted);
        if (!encrypted.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("not a v1 quarantine value");
        }

        var packed = Convert.FromBase64String(encrypted[Prefix.Length..]);
        if (packed.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("the quarantine value is too short");
        }

        var plain = new byte[packed.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(packed.AsSpan(0, NonceSize), packed.AsSpan(NonceSize, plain.Length), packed.AsSpan(NonceSize + plain.Length), plain);
        return plain;
    }
}
