using System.Text.Json;
using System.Text.RegularExpressions;
using HeyGenRender.TestSupport;
using Xunit.Abstractions;

namespace HeyGen.Client.Tests;

/// <summary>Every route the client calls must exist in HeyGen's contract (OpenAPI spec or CLI operations).</summary>
public sealed partial class ContractConventionTests(ITestOutputHelper output)
{
    [Fact]
    public void HeyGenRoutes_EveryRoute_IsInTheContract()
    {
        var contract = LoadContract();
        var client = HeyGenRoutes.All.Select(r => Key(r.Method, r.Template)).ToList();

        var unknown = client.Where(r => !contract.Contains(r)).ToList();
        var current = contract.Where(c => c.Contains(" /v3/", StringComparison.Ordinal)).ToList();
        var covered = current.Count(client.Contains);
        output.WriteLine($"Client covers {covered} of {current.Count} v3 contract operations ({client.Count} client routes; legacy x-excluded and v1/v2 operations not counted).");
        foreach (var missing in current.Where(c => !client.Contains(c)).Order(StringComparer.Ordinal))
        {
            output.WriteLine($"  not covered: {missing}");
        }

        Assert.Empty(unknown);
        Assert.Equal(client.Count, client.Distinct().Count());
    }

    [Fact]
    public void HeyGenRoutes_All_ListsEveryPublicRouteField()
    {
        var fields = typeof(HeyGenRoutes).GetFields().Where(f => f.FieldType == typeof(HeyGenRoute)).Select(f => (HeyGenRoute)f.GetValue(null)!);

        Assert.Equal(fields.OrderBy(r => r.ToString()), HeyGenRoutes.All.OrderBy(r => r.ToString()));
    }

    private static HashSet<string> LoadContract()
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        using (var spec = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.OpenApiSpec)))
        {
            foreach (var path in spec.RootElement.GetProperty("paths").EnumerateObject())
            {
                foreach (var operation in path.Value.EnumerateObject())
                {
                    var excluded = operation.Value.ValueKind == JsonValueKind.Object
                        && operation.Value.TryGetProperty("x-excluded", out var x) && x.ValueKind == JsonValueKind.True;
                    if (operation.Name is "get" or "post" or "put" or "patch" or "delete" && !excluded)
                    {
                        set.Add(Key(operation.Name.ToUpperInvariant(), path.Name));
                    }
                }
            }
        }

        using (var cli = JsonDocument.Parse(File.ReadAllBytes(RepoPaths.CliOperations)))
        {
            foreach (var operation in cli.RootElement.GetProperty("operations").EnumerateArray())
            {
                set.Add(Key(operation.GetProperty("Method").GetString()!, operation.GetProperty("Endpoint").GetString()!));
            }
        }

        return set;
    }

    // Placeholder names differ between sources ({id} vs {video_id}); compare shapes.
    private static string Key(string method, string template) => $"{method.ToUpperInvariant()} {Placeholder().Replace(template, "{}")}";

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Placeholder();
}
