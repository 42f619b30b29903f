using System.Text;
using System.Text.Json.Nodes;

namespace HeyGenRender.Pipeline.Tests.Fuzz;

/// <summary>
/// Deterministic mutations of a valid JSON document, half structural (a node replaced, removed, renamed, duplicated or
/// given a hostile value) and half at the byte level (bits flipped, bytes inserted, cut or repeated, hostile tokens
/// spliced in), so both the validator and the JSON reader under it get tried. Same seed, same cases.
/// </summary>
internal sealed class JsonMutator(int seed)
{
    private static readonly string[] s_hostileStrings =
    [
        "", " ", "../../renders", "/etc/passwd", "r-abababababababababababababababab", "render-requests-failed", "webhook-events",
        "renders", "\u0000", "\ud83d\ude00", "\u202e", "\\", "\"", "%2e%2e%2f", "https://169.254.169.254/", "http://example.com/x",
        "https://user:pw@example.com/x", "javascript:alert(1)", "file:///etc/passwd", "look_1", "avatar", "lipsync", "1e309",
        new string('x', 6_000), new string('é', 3_000), "Ünïcødé 漢字",
    ];

    private static readonly string[] s_hostileTokens =
    [
        "\"", "\\", "\\u", "\\ud800", "\\udc00\\ud800", "{", "}", "[", "]", ",", ":", "null", "true", "1e309", "-0", "NaN",
        "\u0000", "\"\"", "{}", "[]", "/*", "//", "\u00ff", "\ufeff", "\"__proto__\":1,",
    ];

    private readonly Random _random = new(seed);

    /// <summary>One mutant of <paramref name="valid"/>.</summary>
    public byte[] Mutate(byte[] valid)
    {
        var rounds = 1 + _random.Next(3);
        var bytes = valid;
        for (var i = 0; i < rounds; i++)
        {
            bytes = _random.Next(2) == 0 && Structural(bytes) is { } structural ? structural : ByteLevel(bytes);
        }

        return bytes;
    }

    private byte[]? Structural(byte[] json)
    {
        try
        {
            return StructuralOrThrow(json);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or ArgumentException or DecoderFallbackException)
        {
            return null; // an earlier byte-level round left text JsonNode cannot hold: go on at the byte level
        }
    }

    private byte[]? StructuralOrThrow(byte[] json)
    {
        var root = JsonNode.Parse(json);

        if (root is null)
        {
            return null;
        }

        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        var target = nodes[_random.Next(nodes.Count)];
        switch (_random.Next(6))
        {
            case 0 when target.Parent is not null:
                Replace(target, HostileValue());
                break;
            case 1 when target.Parent is JsonObject parent:
                parent.Remove(target.GetPropertyName());
                break;
            case 2 when target is JsonObject obj:
                obj[RandomName()] = HostileValue();
                break;
            case 3 when target.Parent is JsonObject parent:
                var name = target.GetPropertyName();
                parent.Remove(name);
                parent[RandomName()] = target;
                break;
            case 4 when target is JsonArray array:
                for (var i = _random.Next(1, 30); i > 0; i--)
                {
                    array.Add(array.Count > 0 && _random.Next(2) == 0 ? array[0]?.DeepClone() : HostileValue());
                }

                break;
            default:
                if (target.Parent is not null)
                {
                    Replace(target, HostileValue());
                }
                else
                {
                    return Encoding.UTF8.GetBytes(HostileValue()?.ToJsonString() ?? "null");
                }

                break;
        }

        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }

    private byte[] ByteLevel(byte[] bytes)
    {
        var list = new List<byte>(bytes);
        var at = list.Count == 0 ? 0 : _random.Next(list.Count);
        switch (_random.Next(6))
        {
            case 0 when list.Count > 0:
                list[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 1:
                list.Insert(at, (byte)_random.Next(256));
                break;
            case 2 when list.Count > 0:
                list.RemoveRange(at, Math.Min(list.Count - at, 1 + _random.Next(16)));
                break;
            case 3 when list.Count > 0:
                var length = Math.Min(list.Count - at, 1 + _random.Next(64));
                list.InsertRange(at, list.GetRange(at, length));
                break;
            case 4:
                list.InsertRange(at, Encoding.UTF8.GetBytes(s_hostileTokens[_random.Next(s_hostileTokens.Length)]));
                break;
            default:
                list.RemoveRange(at, list.Count - at); // truncated
                break;
        }

        return [.. list];
    }

    private JsonNode? HostileValue() => _random.Next(9) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next(2) == 0),
        2 => JsonValue.Create(_random.Next(-3, 3) * Math.Pow(10, _random.Next(0, 20))),
        3 => JsonValue.Create(long.MinValue + _random.Next(3)),
        4 => new JsonObject { [RandomName()] = s_hostileStrings[_random.Next(s_hostileStrings.Length)] },
        5 => new JsonArray(JsonValue.Create(s_hostileStrings[_random.Next(s_hostileStrings.Length)])),
        6 => new JsonObject { ["blob"] = s_hostileStrings[_random.Next(s_hostileStrings.Length)], ["container"] = s_hostileStrings[_random.Next(s_hostileStrings.Length)] },
        7 => new JsonObject { ["url"] = s_hostileStrings[_random.Next(s_hostileStrings.Length)] },
        _ => JsonValue.Create(s_hostileStrings[_random.Next(s_hostileStrings.Length)]),
    };

    private string RandomName() => _random.Next(3) switch
    {
        0 => s_hostileStrings[_random.Next(s_hostileStrings.Length)],
        1 => new[] { "kind", "version", "container", "blob", "url", "prefix", "output", "wait", "event_id", "event_type", "event_data", "callback_id", "video_id" }[_random.Next(13)],
        _ => "x" + _random.Next(1000),
    };

    private static void Replace(JsonNode target, JsonNode? value)
    {
        switch (target.Parent)
        {
            case JsonObject parent:
                parent[target.GetPropertyName()] = value;
                break;
            case JsonArray array:
                array[target.GetElementIndex()] = value;
                break;
        }
    }

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        nodes.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj.ToList())
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array.ToList())
                {
                    if (child is not null)
                    {
                        Collect(child, nodes);
                    }
                }

                break;
        }
    }
}
