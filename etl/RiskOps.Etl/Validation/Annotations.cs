namespace RiskOps.Etl.Validation;

/// <summary>
/// The house rule for label annotations: at most three sentences. Longer ones land flagged, never rejected.
/// </summary>
public static class Annotations
{
    /// <summary>The most sentences an annotation may have before it is flagged.</summary>
    public const int MaxSentences = 3;

    /// <summary>
    /// Counts sentences: a sentence ends at a run of <c>.</c>, <c>!</c>, <c>?</c> (or <c>。！？</c>) followed by white space
    /// or the end of the text; a line break also ends one. A piece counts only when it holds a letter or digit, so
    /// "0.95", "v2.1" and "…" alone do not split or count. Abbreviations followed by a space ("e.g. x") do split.
    /// </summary>
    public static int CountSentences(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return 0;
        }

        var count = 0;
        var hasContent = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsLetterOrDigit(c))
            {
                hasContent = true;
                continue;
            }

            var ends = false;
            if (c is '.' or '!' or '?' or '。' or '！' or '？')
            {
                while (i + 1 < text.Length && text[i + 1] is '.' or '!' or '?' or '。' or '！' or '？')
                {
                    i++;
                }

                ends = i + 1 >= text.Length || char.IsWhiteSpace(text[i + 1]) || c is '。' or '！' or '？';
            }
            else if (c is '\n' or '\r')
            {
                ends = true;
            }

            if (ends && hasContent)
            {
                count++;
                hasContent = false;
            }
        }

        return hasContent ? count + 1 : count;
    }
}
