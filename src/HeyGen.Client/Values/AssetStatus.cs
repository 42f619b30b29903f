using System.ComponentModel;
using System.Text.Json.Serialization;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>The status of an uploaded asset (<c>pending_upload</c> until the direct upload is completed). Unknown values are kept as-is.</summary>
[JsonConverter(typeof(StringValueJsonConverter<AssetStatus>))]
public readonly struct AssetStatus : IEquatable<AssetStatus>, IStringValue<AssetStatus>
{
    private readonly string? _value;

    /// <summary>Creates a value from its wire form.</summary>
    /// <param name="value">The wire value, for example <c>pending_upload</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public AssetStatus(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary><c>pending_upload</c>.</summary>
    public static AssetStatus PendingUpload { get; } = new("pending_upload");

    /// <summary><c>ready</c>.</summary>
    public static AssetStatus Ready { get; } = new("ready");

    /// <summary>The wire value; empty for <c>default</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Compares two values ordinally.</summary>
    public static bool operator ==(AssetStatus left, AssetStatus right) => left.Equals(right);

    /// <summary>Compares two values ordinally.</summary>
    public static bool operator !=(AssetStatus left, AssetStatus right) => !left.Equals(right);

    /// <summary>Converts a wire value.</summary>
    public static implicit operator AssetStatus(string value) => new(value);

    /// <inheritdoc />
    static AssetStatus IStringValue<AssetStatus>.FromValue(string value) => new(value);

    /// <inheritdoc />
    public bool Equals(AssetStatus other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is AssetStatus other && Equals(other);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
