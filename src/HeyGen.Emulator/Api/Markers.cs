using System.Globalization;
using System.Text.RegularExpressions;

namespace HeyGen.Emulator.Api;

/// <summary>
/// Test markers read from a script, prompt or title: <c>[[emulator:fail:CODE]]</c>, <c>[[emulator:size:BYTES]]</c>,
/// <c>[[emulator:duration:SECONDS]]</c>. Real HeyGen would speak them; the emulator obeys them.
/// </summary>
internal static partial class Markers
{
    private static readonly Dictionary<string, string> s_failureMessages = new(StringComparer.Ordinal)
    {
        ["script_too_short"] = "The script is too short to produce at least 1.0 second of speech.",
        ["tts_text_invalid"] = "The script contains no speakable words.",
        ["download_failed"] = "A resource URL in the request could not be downloaded.",
        ["content_policy_violation"] = "The content violates HeyGen's usage policy.",
        ["internal_error"] = "An unexpected error occurred while rendering.",
    };

    public static (string Code, string Message)? Failure(params string?[] texts)
    {
        foreach (var text in texts)
        {
            if (text is not null && FailRegex().Match(text) is { Success: true } match)
            {
                var code = match.Groups[1].Value;
                return (code, s_failureMessages.GetValueOrDefault(code, $"Emulated failure '{code}'."));
            }
        }

        return null;
    }

    public static long? Size(params string?[] texts) => Number(SizeRegex(), texts) is { } v ? (long)v : null;

    public static double? Duration(params string?[] texts) => Number(DurationRegex(), texts);

    private static double? Number(Regex regex, string?[] texts)
    {
        foreach (var text in texts)
        {
            if (text is not null && regex.Match(text) is { Success: true } match)
            {
                return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    [GeneratedRegex(@"\[\[emulator:fail:([a-z_]+)\]\]")]
    private static partial Regex FailRegex();

    [GeneratedRegex(@"\[\[emulator:size:(\d+)\]\]")]
    private static partial Regex SizeRegex();

    [GeneratedRegex(@"\[\[emulator:duration:(\d+(?:\.\d+)?)\]\]")]
    private static partial Regex DurationRegex();
}
