using ScottPlot;
using SkiaSharp;

namespace RiskOps.Reports.Charts;

/// <summary>
/// The two font faces every chart and PDF page uses, loaded from the DejaVu Sans files embedded in this assembly so a
/// chart or pack renders the same on every machine (SkiaSharp's NoDependencies build has no fontconfig and would
/// otherwise pick whatever face it finds first).
/// </summary>
public static class ReportFonts
{
    /// <summary>The family name charts ask ScottPlot for.</summary>
    public const string Family = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> _regular = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> _bold = new(() => Load("DejaVuSans-Bold.ttf"));
    private static readonly object _gate = new();
    private static bool _registered;

    /// <summary>DejaVu Sans regular.</summary>
    public static SKTypeface Regular => _regular.Value;

    /// <summary>DejaVu Sans bold.</summary>
    public static SKTypeface Bold => _bold.Value;

    /// <summary>Makes ScottPlot resolve every family name to the embedded faces (idempotent, thread-safe).</summary>
    public static void EnsureRegistered()
    {
        lock (_gate)
        {
            if (_registered)
            {
                return;
            }

            Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver());
            Fonts.Default = Family;
            Fonts.Sans = Family;
            _registered = true;
        }
    }

    private static SKTypeface Load(string file)
    {
        var assembly = typeof(ReportFonts).Assembly;
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith("." + file, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"font resource {name} is missing");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return SKTypeface.FromData(SKData.CreateCopy(memory.ToArray()))
            ?? throw new InvalidOperationException($"font resource {name} is not a font");
    }

    /// <summary>
    /// Answers every request with the embedded faces: charts must never fall back to a machine font, because a
    /// different face changes text widths and therefore layout.
    /// </summary>
    private sealed class EmbeddedFontResolver : IFontResolver
    {
        public SKTypeface CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
            weight >= FontWeight.SemiBold ? Bold : Regular;

        public SKTypeface CreateTypeface(string fontName, bool bold, bool italic) => bold ? Bold : Regular;
    }
}
