namespace HeyGen.Emulator.Media;

/// <summary>Thumbnail (JPEG) and preview (GIF) files, written by code.</summary>
internal static class StillImages
{
    /// <summary>A mid-grey baseline JPEG of the given size: every 8x8 block is DC-only with one-symbol Huffman tables.</summary>
    public static byte[] GreyJpeg(int width, int height)
    {
        var output = new List<byte>();
        void Marker(byte code, params byte[] payload)
        {
            output.AddRange([0xFF, code]);
            if (payload.Length > 0 || code is not (0xD8 or 0xD9))
            {
                var length = payload.Length + 2;
                output.AddRange([(byte)(length >> 8), (byte)length]);
                output.AddRange(payload);
            }
        }

        Marker(0xD8);
        Marker(0xE0, [.. "JFIF"u8, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        var quant = new byte[65];
        Array.Fill(quant, (byte)1);
        quant[0] = 0; // 8-bit table 0
        Marker(0xDB, quant);
        Marker(0xC0, 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 1, 1, 0x11, 0);

        // One code of length 1 per table: DC category 0, AC end-of-block.
        Marker(0xC4, [0x00, 1, .. new byte[15], 0x00]);
        Marker(0xC4, [0x10, 1, .. new byte[15], 0x00]);
        Marker(0xDA, 1, 1, 0x00, 0, 63, 0);

        // Each block is "0" (DC diff 0) + "0" (EOB): two zero bits; pad the last byte with ones.
        var blocks = ((width + 7) / 8) * ((height + 7) / 8);
        var bits = blocks * 2;
        var bytes = new byte[(bits + 7) / 8];
        var used = bits % 8;
        if (used != 0)
        {
            bytes[^1] = (byte)((1 << (8 - used)) - 1);
        }

        output.AddRange(bytes);
        Marker(0xD9);
        return [.. output];
    }

    /// <summary>A 1x1 GIF89a.</summary>
    public static byte[] TinyGif() =>
    [
        .. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0x40, 0x40, 0x40, 0xFF, 0xFF, 0xFF,
        0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B,
    ];
}
