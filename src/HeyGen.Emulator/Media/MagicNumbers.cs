namespace HeyGen.Emulator.Media;

/// <summary>Detects a file's type from its first bytes, as HeyGen does for uploads.</summary>
internal static class MagicNumbers
{
    public static string? Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return "image/png";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return "image/jpeg";
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return "image/webp";
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8))
        {
            return "audio/wav";
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            return head[8..10].SequenceEqual("qt"u8) ? "video/quicktime" : "video/mp4";
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x1A, 0x45, 0xDF, 0xA3]))
        {
            return "video/webm";
        }

        if (head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0))
        {
            return "audio/mpeg";
        }

        if (head.StartsWith("%PDF"u8))
        {
            return "application/pdf";
        }

        if (head.StartsWith("GIF8"u8))
        {
            return "image/gif";
        }

        return null;
    }

    /// <summary>Whether a declared content type agrees with the detected one (aliases such as audio/mp3 included).</summary>
    public static bool Agrees(string declared, string? detected)
    {
        var normalized = declared.Split(';')[0].Trim().ToLowerInvariant() switch
        {
            "image/jpg" => "image/jpeg",
            "audio/mp3" => "audio/mpeg",
            "audio/x-wav" or "audio/wave" => "audio/wav",
            "video/mov" => "video/quicktime",
            var other => other,
        };
        return detected is not null && (normalized == detected || (normalized == "video/quicktime" && detected == "video/mp4"));
    }
}
