using System.ComponentModel;
using System.Text.Json.Serialization;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>The status of a video (<c>GET /v3/videos/{video_id}</c>): pending, processing, completed, failed. Unknown values are kept as-is.</summary>
[JsonConverter(typeof(StringValueJsonConverter<VideoStatus>))]
public readonly struct VideoStatus : IEquatable<VideoStatus>, IStringValue<VideoStatus>
{
    private readonly string? _value;

    /// <summary>Creates a value from its wire form.</summary>
    /// <param name="value">The wire value, for example <c>pending</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public VideoStatus(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary><c>pending</c>.</summary>
    public static VideoStatus Pending { get; } = new("pending");

    /// <summary><c>processing</c>.</summary>
    public static VideoStatus Processing { get; } = new("processing");

    /// <summary><c>completed</c>.</summary>
    public static VideoStatus Completed { get; } = new("completed");

    /// <summary><c>failed</c>.</summary>
    public static VideoStatus Failed { get; } = new("failed");

    /// <summary>The wire value; empty for <c>default</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Whether the job has finished, successfully or not (<c>completed</c> or <c>failed</c>).</summary>
    public bool IsTerminal => this == Completed || this == Failed;

    /// <summary>Compares two values ordinally.</summary>
    public static bool operator ==(VideoStatus left, VideoStatus right) => left.Equals(right);

    /// <summary>Compares two values ordinally.</summary>
    public static bool operator !=(VideoStatus left, VideoStatus right) => !left.Equals(right);

    /// <summary>Converts a wire value.</summary>
    public static implicit operator VideoStatus(string value) => new(value);

    /// <inheritdoc />
    static VideoStatus IStringValue<VideoStatus>.FromValue(string value) => new(value);

    /// <inheritdoc />
    public bool Equals(VideoStatus other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is VideoStatus other && Equals(other);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
