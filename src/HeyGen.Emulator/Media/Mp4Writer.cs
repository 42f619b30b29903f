using System.Buffers.Binary;
using System.Text;

namespace HeyGen.Emulator.Media;

/// <summary>
/// Writes a small, real, playable H.264 MP4 without ffmpeg: one IDR frame of I_PCM macroblocks (a gradient) followed by
/// P frames whose macroblocks are all skipped, at 25 fps. Optionally padded with a trailing <c>free</c> box so the file
/// has an exact size; the padding is produced while streaming (see <see cref="SyntheticVideoStream"/>).
/// </summary>
internal static class Mp4Writer
{
    public const int FramesPerSecond = 25;
    private const int Timescale = 12800;
    private const int FrameTicks = Timescale / FramesPerSecond;

    /// <summary>The MP4 bytes of a video (small: about 50 KB plus a few bytes per frame).</summary>
    public static byte[] Create(int width, int height, double durationSeconds, byte shade)
    {
        if (width % 16 != 0 || height % 16 != 0)
        {
            throw new ArgumentException("Width and height must be multiples of 16.");
        }

        var frames = Math.Max(1, (int)Math.Round(durationSeconds * FramesPerSecond));
        var sps = Sps(width, height);
        var pps = Pps();
        var samples = new List<byte[]>(frames) { Avcc(Escape(IdrSlice(width, height, shade))) };
        var mbs = width / 16 * (height / 16);
        for (var i = 1; i < frames; i++)
        {
            samples.Add(Avcc(Escape(PSkipSlice(i, mbs))));
        }

        var ftyp = Box("ftyp", Concat(Ascii("isom"), U32(0x200), Ascii("isomiso2avc1mp41")));
        var mdatPayloadSize = samples.Sum(s => (long)s.Length);

        // moov comes first (fast start); its size does not depend on the chunk offset value, so build it twice.
        var moov = Moov(width, height, frames, sps, pps, samples, 0);
        var chunkOffset = ftyp.Length + moov.Length + 8;
        moov = Moov(width, height, frames, sps, pps, samples, (uint)chunkOffset);

        using var output = new MemoryStream();
        output.Write(ftyp);
        output.Write(moov);
        output.Write(U32((uint)(mdatPayloadSize + 8)));
        output.Write(Ascii("mdat"));
        foreach (var sample in samples)
        {
            output.Write(sample);
        }

        return output.ToArray();
    }

    private static byte[] Moov(int width, int height, int frames, byte[] sps, byte[] pps, List<byte[]> samples, uint chunkOffset)
    {
        var duration = (uint)(frames * FrameTicks);
        var matrix = Concat(U32(0x10000), U32(0), U32(0), U32(0), U32(0x10000), U32(0), U32(0), U32(0), U32(0x40000000));
        var mvhd = FullBox("mvhd", 0, 0, Concat(U32(0), U32(0), U32(Timescale), U32(duration), U32(0x10000), U16(0x100), new byte[10], matrix, new byte[24], U32(2)));
        var tkhd = FullBox("tkhd", 0, 3, Concat(U32(0), U32(0), U32(1), U32(0), U32(duration), new byte[8], U16(0), U16(0), U16(0), U16(0), matrix, U32((uint)width << 16), U32((uint)height << 16)));
        var mdhd = FullBox("mdhd", 0, 0, Concat(U32(0), U32(0), U32(Timescale), U32(duration), U16(0x55C4), U16(0)));
        var hdlr = FullBox("hdlr", 0, 0, Concat(U32(0), Ascii("vide"), new byte[12], Ascii("VideoHandler"), [0]));
        var vmhd = FullBox("vmhd", 0, 1, new byte[8]);
        var dinf = Box("dinf", FullBox("dref", 0, 0, Concat(U32(1), FullBox("url ", 0, 1, []))));
        var avcC = Box("avcC", Concat([1, sps[1], sps[2], sps[3], 0xFF, 0xE1], U16((ushort)sps.Length), sps, [1], U16((ushort)pps.Length), pps));
        var compressor = new byte[32];
        var avc1 = Box("avc1", Concat(new byte[6], U16(1), new byte[16], U16((ushort)width), U16((ushort)height), U32(0x480000), U32(0x480000), U32(0), U16(1), compressor, U16(0x18), U16(0xFFFF), avcC));
        var stsd = FullBox("stsd", 0, 0, Concat(U32(1), avc1));
        var stts = FullBox("stts", 0, 0, Concat(U32(1), U32((uint)frames), U32(FrameTicks)));
        var stss = FullBox("stss", 0, 0, Concat(U32(1), U32(1)));
        var stsc = FullBox("stsc", 0, 0, Concat(U32(1), U32(1), U32((uint)frames), U32(1)));
        var sizes = new byte[samples.Count * 4];
        for (var i = 0; i < samples.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(sizes.AsSpan(i * 4), (uint)samples[i].Length);
        }

        var stsz = FullBox("stsz", 0, 0, Concat(U32(0), U32((uint)samples.Count), sizes));
        var stco = FullBox("stco", 0, 0, Concat(U32(1), U32(chunkOffset)));
        var stbl = Box("stbl", Concat(stsd, stts, stss, stsc, stsz, stco));
        var minf = Box("minf", Concat(vmhd, dinf, stbl));
        var mdia = Box("mdia", Concat(mdhd, hdlr, minf));
        var trak = Box("trak", Concat(tkhd, mdia));
        return Box("moov", Concat(mvhd, trak));
    }

    // Baseline profile, level 3.0, POC type 2, CAVLC: the simplest stream every decoder plays.
    private static byte[] Sps(int width, int height)
    {
        var bits = new BitWriter();
        bits.Bits(0x67, 8); // nal_ref_idc 3, type 7
        bits.Bits(66, 8); // profile_idc baseline
        bits.Bits(0xC0, 8); // constraint_set0/1
        bits.Bits(30, 8); // level 3.0
        bits.Ue(0); // sps id
        bits.Ue(0); // log2_max_frame_num - 4
        bits.Ue(2); // pic_order_cnt_type
        bits.Ue(1); // max_num_ref_frames
        bits.Bit(0); // gaps
        bits.Ue((uint)(width / 16) - 1);
        bits.Ue((uint)(height / 16) - 1);
        bits.Bit(1); // frame_mbs_only
        bits.Bit(1); // direct_8x8_inference
        bits.Bit(0); // cropping
        bits.Bit(0); // vui
        bits.Trailing();
        return bits.ToArray();
    }

    private static byte[] Pps()
    {
        var bits = new BitWriter();
        bits.Bits(0x68, 8);
        bits.Ue(0); // pps id
        bits.Ue(0); // sps id
        bits.Bit(0); // CAVLC
        bits.Bit(0); // bottom_field_pic_order
        bits.Ue(0); // slice groups - 1
        bits.Ue(0); // num_ref_idx_l0_default - 1
        bits.Ue(0); // l1
        bits.Bit(0); // weighted_pred
        bits.Bits(0, 2); // weighted_bipred_idc
        bits.Se(0); // pic_init_qp - 26
        bits.Se(0); // pic_init_qs - 26
        bits.Se(0); // chroma_qp_index_offset
        bits.Bit(1); // deblocking_filter_control_present
        bits.Bit(0); // constrained_intra_pred
        bits.Bit(0); // redundant_pic_cnt_present
        bits.Trailing();
        return bits.ToArray();
    }

    private static byte[] IdrSlice(int width, int height, byte shade)
    {
        var bits = new BitWriter();
        bits.Bits(0x65, 8); // nal_ref_idc 3, IDR
        bits.Ue(0); // first_mb
        bits.Ue(7); // I slice (all)
        bits.Ue(0); // pps id
        bits.Bits(0, 4); // frame_num
        bits.Ue(0); // idr_pic_id
        bits.Bit(0); // no_output_of_prior_pics
        bits.Bit(0); // long_term_reference
        bits.Se(0); // slice_qp_delta
        bits.Ue(1); // deblocking off
        var mbWidth = width / 16;
        var mbs = mbWidth * (height / 16);
        for (var mb = 0; mb < mbs; mb++)
        {
            bits.Ue(25); // I_PCM
            bits.Align();
            var x = mb % mbWidth;
            var y = mb / mbWidth;
            for (var row = 0; row < 16; row++)
            {
                for (var col = 0; col < 16; col++)
                {
                    // A diagonal gradient, kept within video range (16..235), so no sample is zero.
                    bits.Bits((uint)(16 + ((((x * 16) + col + (y * 16) + row) * 219 / (width + height)) + shade) % 219), 8);
                }
            }

            for (var i = 0; i < 128; i++)
            {
                bits.Bits((uint)(i < 64 ? 128 - (shade / 4) : 128 + (shade / 4)), 8);
            }
        }

        bits.Trailing();
        return bits.ToArray();
    }

    private static byte[] PSkipSlice(int frameIndex, int mbs)
    {
        var bits = new BitWriter();
        bits.Bits(0x41, 8); // nal_ref_idc 2, non-IDR slice
        bits.Ue(0); // first_mb
        bits.Ue(5); // P slice (all)
        bits.Ue(0); // pps id
        bits.Bits((uint)(frameIndex % 16), 4); // frame_num
        bits.Bit(0); // num_ref_idx_active_override
        bits.Bit(0); // ref_pic_list_modification_l0
        bits.Bit(0); // adaptive_ref_pic_marking
        bits.Se(0); // slice_qp_delta
        bits.Ue(1); // deblocking off
        bits.Ue((uint)mbs); // mb_skip_run: every macroblock repeats the reference
        bits.Trailing();
        return bits.ToArray();
    }

    // Inserts emulation-prevention bytes (00 00 0x → 00 00 03 0x) after the one-byte NAL header.
    private static byte[] Escape(byte[] nal)
    {
        var output = new List<byte>(nal.Length + 16) { nal[0] };
        var zeros = 0;
        for (var i = 1; i < nal.Length; i++)
        {
            var b = nal[i];
            if (zeros >= 2 && b <= 3)
            {
                output.Add(3);
                zeros = 0;
            }

            output.Add(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }

        return [.. output];
    }

    private static byte[] Avcc(byte[] nal) => Concat(U32((uint)nal.Length), nal);

    private static byte[] Box(string type, byte[] payload) => Concat(U32((uint)(payload.Length + 8)), Ascii(type), payload);

    private static byte[] FullBox(string type, byte version, uint flags, byte[] payload) =>
        Box(type, Concat([version, (byte)(flags >> 16), (byte)(flags >> 8), (byte)flags], payload));

    internal static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    internal static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }

    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _current;
        private int _count;

        public void Bit(int bit)
        {
            _current = (_current << 1) | (bit & 1);
            if (++_count == 8)
            {
                _bytes.Add((byte)_current);
                _current = 0;
                _count = 0;
            }
        }

        public void Bits(uint value, int width)
        {
            for (var i = width - 1; i >= 0; i--)
            {
                Bit((int)((value >> i) & 1));
            }
        }

        public void Ue(uint value)
        {
            var v = value + 1;
            var length = 32 - System.Numerics.BitOperations.LeadingZeroCount(v);
            Bits(0, length - 1);
            Bits(v, length);
        }

        public void Se(int value) => Ue(value <= 0 ? (uint)(-2 * value) : (uint)((2 * value) - 1));

        public void Align()
        {
            while (_count != 0)
            {
                Bit(0);
            }
        }

        public void Trailing()
        {
            Bit(1);
            Align();
        }

        public byte[] ToArray() => [.. _bytes];
    }
}
