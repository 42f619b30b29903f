using System.Security.Cryptography;

namespace HeyGenRender.Pipeline.Transfers;

/// <summary>
/// The SHA-256 of a stream's bytes taken while they pass, for a read that must not be repeated just to hash. A read that
/// starts over from the beginning starts the hash over; one that resumes elsewhere cannot be hashed, and
/// <see cref="Finish"/> says so instead of returning a wrong digest.
/// </summary>
public sealed class RunningSha256 : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _length;
    private bool _broken;

    /// <summary>The bytes hashed so far.</summary>
    public long Length => _length;

    /// <summary>A read (re)starts at <paramref name="offset"/>: from 0 the hash begins again, elsewhere it is spoiled.</summary>
    public void Restart(long offset)
    {
        if (offset == 0)
        {
            _hash.GetHashAndReset();
            _length = 0;
            _broken = false;
        }
        else
        {
            _broken = true;
        }
    }

    /// <summary>Adds the next bytes in order.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        _length += data.Length;
    }

    /// <summary>The digest (lowercase hex) of exactly <paramref name="expectedLength"/> bytes read in one pass from the start.</summary>
    /// <exception cref="InvalidOperationException">The read resumed mid-stream, or a different number of bytes passed.</exception>
    public string Finish(long expectedLength)
    {
        if (_broken || _length != expectedLength)
        {
            throw new InvalidOperationException(
                _broken
                    ? "The SHA-256 cannot be taken: the read resumed in the middle of the stream."
                    : $"The SHA-256 covers {_length} bytes; {expectedLength} were expected.");
        }

        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }

    /// <inheritdoc />
    public void Dispose() => _hash.Dispose();
}
