using System.Text.Json;
using System.Text.Json.Nodes;

namespace HeyGen.Emulator.Tests;

/// <summary>
/// A small JSON Schema validator for the subset the HeyGen specs use: type (incl. arrays of types), nullable, required,
/// properties, additionalProperties, enum, const, items, $ref, anyOf, oneOf, allOf. Returns every violation with its path.
/// </summary>
internal sealed class JsonSchemaValidator(JsonNode root)
{
    public List<string> Validate(JsonNode? value, JsonNode schema, string path = "$")
    {
        var errors = new List<string>();
        Check(value, schema, path, errors);
        return errors;
    }

    private void Check(JsonNode? value, JsonNode? schema, string path, List<string> errors)
    {
        if (schema is not JsonObject s)
        {
            return;
        }

        if (s["$ref"] is JsonValue reference)
        {
            Check(value, Resolve(reference.GetValue<string>()), path, errors);
            return;
        }

        if (value is null && s["nullable"] is JsonValue n && n.GetValue<bool>())
        {
            return;
        }

        if (s["allOf"] is JsonArray all)
        {
            foreach (var part in all)
            {
                Check(value, part, path, errors);
            }
        }

        foreach (var key in new[] { "anyOf", "oneOf" })
        {
            if (s[key] is JsonArray options)
            {
                var matches = options.Count(o => Validate(value, o!, path).Count == 0);
                if (matches == 0)
                {
                    errors.Add($"{path}: matches none of {key}");
                }
            }
        }

        if (s["type"] is { } type)
        {
            var types = type is JsonArray list ? list.Select(t => t!.GetValue<string>()).ToList() : [type.GetValue<string>()];
            if (!types.Any(t => IsType(value, t)))
            {
                errors.Add($"{path}: expected {string.Join("|", types)}, got {Kind(value)}");
                return;
            }
        }

        if (s["enum"] is JsonArray values && value is not null && !values.Any(v => JsonNode.DeepEquals(v, value)))
        {
            errors.Add($"{path}: {value.ToJsonString()} not in enum");
        }

        if (s["const"] is { } constant && !JsonNode.DeepEquals(constant, value))
        {
            errors.Add($"{path}: expected const {constant.ToJsonString()}");
        }

        if (value is JsonObject obj)
        {
            var properties = s["properties"] as JsonObject;
            if (s["required"] is JsonArray required)
            {
                foreach (var name in required.Select(r => r!.GetValue<string>()))
                {
                    if (!obj.ContainsKey(name))
                    {
                        errors.Add($"{path}: missing required '{name}'");
                    }
                }
            }

            foreach (var (name, child) in obj)
            {
                if (properties?[name] is { } childSchema)
                {
                    Check(child, childSchema, $"{path}.{name}", errors);
                }
                else if (s["additionalProperties"] is JsonValue ap && ap.GetValueKind() == JsonValueKind.False)
                {
                    errors.Add($"{path}: unexpected property '{name}'");
                }
                else if (s["additionalProperties"] is JsonObject apSchema)
                {
                    Check(child, apSchema, $"{path}.{name}", errors);
                }
            }
        }

        if (value is JsonArray array && s["items"] is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(array[i], items, $"{path}[{i}]", errors);
            }
        }
    }

    private JsonNode Resolve(string reference)
    {
        JsonNode node = root;
        foreach (var part in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node[part] ?? throw new InvalidOperationException("Unresolvable $ref " + reference);
        }

        return node;
    }

    private static bool IsType(JsonNode? value, string type) => type switch
    {
        "null" => value is null,
        "object" => value is JsonObject,
        "array" => value is JsonArray,
        "string" => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
        "boolean" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        "integer" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.ToJsonString().All(c => char.IsDigit(c) || c == '-'),
        "number" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number,
        _ => true,
    };

    private static string Kind(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => value.GetValueKind().ToString().ToLowerInvariant(),
    };
}
