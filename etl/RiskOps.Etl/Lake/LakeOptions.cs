using System.ComponentModel.DataAnnotations;

namespace RiskOps.Etl.Lake;

/// <summary>Where the lake lives and how user ids are hashed. Bound from the <c>Lake</c> configuration section.</summary>
public sealed class LakeOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Lake";

    /// <summary>The lake's root folder.</summary>
    /// <value>Default: <c>./lake</c>.</value>
    [Required]
    public string Root { get; set; } = "lake";

    /// <summary>
    /// The HMAC-SHA256 key for user ids (<c>Lake:HashKey</c>, env <c>Lake__HashKey</c>). Required in production.
    /// When empty, a development key is generated once into <see cref="DevKeyFile"/> and reused, with a warning.
    /// </summary>
    /// <value>Default: empty (development key).</value>
    public string? HashKey { get; set; }

    /// <summary>
    /// The key that encrypts the quarantine's raw text where a refused record's user id cannot be located
    /// (<c>Lake:QuarantineKey</c>, env <c>Lake__QuarantineKey</c>): AES-256-GCM with a key derived by HKDF-SHA256 (see
    /// docs/lake.md), so a replay can decrypt it and an erasure can search it. Keep it apart from <see cref="HashKey"/>.
    /// When empty, such raw text is kept only as its SHA-256 hash and length.
    /// </summary>
    /// <value>Default: empty (hash and length only).</value>
    public string? QuarantineKey { get; set; }

    /// <summary>The file that keeps the generated development key, outside the lake.</summary>
    /// <value>Default: <c>~/.riskops/dev-hash-key</c>.</value>
    public string? DevKeyFile { get; set; }
}
