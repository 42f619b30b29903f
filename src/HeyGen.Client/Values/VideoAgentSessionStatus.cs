using System.ComponentModel;
using System.Text.Json.Serialization;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>The status of a Video Agent session. Unknown values are kept as-is.</summary>
[JsonConverter(typeof(StringValueJsonConverter<VideoAgentSessionStatus>))]
public readonly struct VideoAgentSessionStatus : IEquatable<VideoAgentSessionStatus>, IStringValue<VideoAgentSessionStatus>
{
    private readonly string? _value;

    /// <summary>Creates a value from its wire form.</summary>
    /// <param name="value">The wire value, for example <c>thinking</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public VideoAgentSessionStatus(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary><c>thinking</c>.</summary>
    public static VideoAgentSessionStatus Thinking { get; } = new("thinking");

    /// <summary><c>waiting_for_input</c>.</summary>
    public static VideoAgentSessionStatus WaitingForInput { get; } = new("waiting_for_input");

    /// <summary><c>reviewing</c>.</summary>
    public static VideoAgentSessionStatus Reviewing { get; } = new("reviewing");

    /// <summary><c>generating</c>.</summary>
    public static VideoAgentSessionStatus Generating { get; } = new("generating");

    /// <summary><c>completed</c>.</summary>
    public static VideoAgentSessionStatus Completed { get; } = new("completed");

    /// <summary><c>failed</c>.</summary>
    public static VideoAgentSessionStatus Failed { get; } = new("failed");

    /// <summary>The wire value; empty for <c>default</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Whether the job has finished, successfully or not (<c>completed</c> or <c>failed</c>).</summary>
    public bool IsTerminal => this == Completed || this == Failed;

    /// <summary>Compares two values ordinally.</summary>
    public static bool operator ==(VideoAgentSessionStatus left, VideoAgentSessionStatus right) => left.Equals(right);

    /// <summary>Compares two values ordinally.</summary>
    public static bool operator !=(VideoAgentSessionStatus left, VideoAgentSessionStatus right) => !left.Equals(right);

    /// <summary>Converts a wire value.</summary>
    public static implicit operator VideoAgentSessionStatus(string value) => new(value);

    /// <inheritdoc />
    static VideoAgentSessionStatus IStringValue<VideoAgentSessionStatus>.FromValue(string value) => new(value);

    /// <inheritdoc />
    public bool Equals(VideoAgentSessionStatus other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is VideoAgentSessionStatus other && Equals(other);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
