namespace System.IO.Hashing;

/// <summary>
/// Base class for non-cryptographic hash algorithms, with the public surface of the real
/// System.IO.Hashing type so that assemblies compiled against it bind and run unchanged.
/// </summary>
public abstract class NonCryptographicHashAlgorithm
{
    private const int StreamBufferSize = 4096;

    protected NonCryptographicHashAlgorithm(int hashLengthInBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hashLengthInBytes, 1);
        HashLengthInBytes = hashLengthInBytes;
    }

    public int HashLengthInBytes { get; }

    public abstract void Append(ReadOnlySpan<byte> source);

    public abstract void Reset();

    protected abstract void GetCurrentHashCore(Span<byte> destination);

    public void Append(byte[] source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Append(new ReadOnlySpan<byte>(source));
    }

    public void Append(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[StreamBufferSize];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            Append(new ReadOnlySpan<byte>(buffer, 0, read));
        }
    }

    public async Task AppendAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new byte[StreamBufferSize];
        int read;
        while ((read = await stream.ReadAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
        {
            Append(new ReadOnlySpan<byte>(buffer, 0, read));
        }
    }

    public byte[] GetCurrentHash()
    {
        var hash = new byte[HashLengthInBytes];
        GetCurrentHashCore(hash);
        return hash;
    }

    public bool TryGetCurrentHash(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < HashLengthInBytes)
        {
            bytesWritten = 0;
            return false;
        }

        GetCurrentHashCore(destination[..HashLengthInBytes]);
        bytesWritten = HashLengthInBytes;
        return true;
    }

    public int GetCurrentHash(Span<byte> destination)
    {
        if (!TryGetCurrentHash(destination, out var written))
        {
            throw new ArgumentException("Destination is too short.", nameof(destination));
        }

        return written;
    }

    public byte[] GetHashAndReset()
    {
        var hash = new byte[HashLengthInBytes];
        GetHashAndResetCore(hash);
        return hash;
    }

    public bool TryGetHashAndReset(Span<byte> destination, out int bytesWritten)
    {
        if (destination.Length < HashLengthInBytes)
        {
            bytesWritten = 0;
            return false;
        }

        GetHashAndResetCore(destination[..HashLengthInBytes]);
        bytesWritten = HashLengthInBytes;
        return true;
    }

    public int GetHashAndReset(Span<byte> destination)
    {
        if (!TryGetHashAndReset(destination, out var written))
        {
            throw new ArgumentException("Destination is too short.", nameof(destination));
        }

        return written;
    }

    protected virtual void GetHashAndResetCore(Span<byte> destination)
    {
        GetCurrentHashCore(destination);
        Reset();
    }

    // As in the real type: a hash algorithm is not a value, so it has no hash code.
    [System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
    public override int GetHashCode() => throw new NotSupportedException();
}
