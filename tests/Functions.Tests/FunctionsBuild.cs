using System.Reflection;
using System.Text.Json;

namespace HeyGenRender.Functions.Tests;

/// <summary>What the Functions SDK's build of src/Functions produced: its generated metadata and the host-side extensions.</summary>
internal static class FunctionsBuild
{
    /// <summary>The Functions app's build output folder.</summary>
    public static string Output { get; } = typeof(FunctionsBuild).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "FunctionsOutput").Value!;

    /// <summary>The Functions app's assembly.</summary>
    public static Assembly App => typeof(FunctionsApp).Assembly;

    /// <summary><c>functions.metadata</c>, which the SDK generates at build time and the host reads to index the functions.</summary>
    public static JsonElement[] Metadata() =>
        [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "functions.metadata"))).RootElement.EnumerateArray()];

    /// <summary>The trigger binding of a function (the one binding whose type ends in "Trigger").</summary>
    public static JsonElement Trigger(JsonElement function) =>
        function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));

    /// <summary>A string property of a binding, or null.</summary>
    public static string? Get(JsonElement binding, string name) =>
        binding.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
