namespace HeyGen.Client.Serialization;

/// <summary>A string-backed value type whose unknown values never throw.</summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IStringValue<TSelf>
    where TSelf : struct, IStringValue<TSelf>
{
    /// <summary>The wire value.</summary>
    string Value { get; }

    /// <summary>Creates the value from its wire form.</summary>
    /// <param name="value">The wire value.</param>
    static abstract TSelf FromValue(string value);
}
