using System.Globalization;
using System.Text.Json;

namespace HeyGen.Emulator.Api;

internal enum FieldType
{
    String,
    Integer,
    Number,
    Boolean,
    Object,
    Array,
}

/// <summary>One documented request field. v3 rejects unknown fields, so every accepted field is listed.</summary>
internal sealed record Field(string Name, FieldType Type)
{
    public bool Required { get; init; }

    public bool Nullable { get; init; } = true;

    public IReadOnlyList<string>? Enum { get; init; }

    public int? MinLength { get; init; }

    public int? MaxLength { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    public int? MaxItems { get; init; }

    public int? MinItems { get; init; }

    /// <summary>Fields of an object, or of each array item.</summary>
    public ObjectSpec? Shape { get; init; }

    /// <summary>Type of each array item when the items are not objects.</summary>
    public FieldType? ItemType { get; init; }
}

/// <summary>An object's fields, or a union chosen by its <c>type</c> discriminator.</summary>
internal sealed class ObjectSpec
{
    public ObjectSpec(params Field[] fields) => Fields = fields;

    public IReadOnlyList<Field> Fields { get; }

    /// <summary>When set, the object's <c>type</c> selects one of these shapes.</summary>
    public IReadOnlyDictionary<string, ObjectSpec>? Union { get; init; }

    public static ObjectSpec ByType(IReadOnlyDictionary<string, ObjectSpec> union) => new() { Union = union };

    /// <summary>Validates <paramref name="value"/>; throws a 400 <c>invalid_parameter</c> naming the field path.</summary>
    public void Validate(JsonElement value, string path = "")
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.Invalid(path.Length == 0 ? "body" : path, path.Length == 0 ? "The request body must be a JSON object." : $"{path} must be an object.");
        }

        if (Union is not null)
        {
            var typePath = Join(path, "type");
            if (!value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw ApiException.Invalid(typePath, $"{typePath} is required and must be one of: {string.Join(", ", Union.Keys)}.");
            }

            if (!Union.TryGetValue(type.GetString()!, out var chosen))
            {
                throw ApiException.Invalid(typePath, $"{typePath} must be one of: {string.Join(", ", Union.Keys)}.");
            }

            chosen.Validate(value, path);
            return;
        }

        foreach (var property in value.EnumerateObject())
        {
            if (!Fields.Any(f => f.Name == property.Name))
            {
                var param = Join(path, property.Name);
                throw ApiException.Invalid(param, $"Unknown field '{param}'.");
            }
        }

        foreach (var field in Fields)
        {
            var param = Join(path, field.Name);
            if (!value.TryGetProperty(field.Name, out var item) || (item.ValueKind == JsonValueKind.Null && field.Nullable && !field.Required))
            {
                if (field.Required)
                {
                    throw ApiException.Invalid(param, $"{param} is required.");
                }

                continue;
            }

            CheckValue(field, item, param);
        }
    }

    private static void CheckValue(Field field, JsonElement item, string param)
    {
        switch (field.Type)
        {
            case FieldType.String:
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw ApiException.Invalid(param, $"{param} must be a string.");
                }

                var text = item.GetString()!;
                if (field.MinLength is { } min && text.Length < min)
                {
                    throw ApiException.Invalid(param, $"{param} must be at least {min} characters long.");
                }

                if (field.MaxLength is { } max && text.Length > max)
                {
                    throw ApiException.Invalid(param, $"{param} must be at most {max.ToString("N0", CultureInfo.InvariantCulture)} characters long.");
                }

                if (field.Enum is { } values && !values.Contains(text))
                {
                    throw ApiException.Invalid(param, $"{param} must be one of: {string.Join(", ", values)}.");
                }

                break;
            case FieldType.Integer or FieldType.Number:
                if (item.ValueKind != JsonValueKind.Number || (field.Type == FieldType.Integer && !item.TryGetInt64(out _)))
                {
                    throw ApiException.Invalid(param, $"{param} must be {(field.Type == FieldType.Integer ? "an integer" : "a number")}.");
                }

                var number = item.GetDouble();
                if ((field.Min is { } lo && number < lo) || (field.Max is { } hi && number > hi))
                {
                    throw ApiException.Invalid(param, $"{param} must be between {field.Min?.ToString(CultureInfo.InvariantCulture) ?? "-∞"} and {field.Max?.ToString(CultureInfo.InvariantCulture) ?? "∞"}.");
                }

                break;
            case FieldType.Boolean:
                if (item.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    throw ApiException.Invalid(param, $"{param} must be a boolean.");
                }

                break;
            case FieldType.Object:
                field.Shape!.Validate(item, param);
                break;
            case FieldType.Array:
                if (item.ValueKind != JsonValueKind.Array)
                {
                    throw ApiException.Invalid(param, $"{param} must be an array.");
                }

                var count = item.GetArrayLength();
                if (field.MaxItems is { } maxItems && count > maxItems)
                {
                    throw ApiException.Invalid(param, $"{param} accepts at most {maxItems} items.");
                }

                if (field.MinItems is { } minItems && count < minItems)
                {
                    throw ApiException.Invalid(param, $"{param} needs at least {minItems} item(s).");
                }

                var index = 0;
                foreach (var element in item.EnumerateArray())
                {
                    var elementParam = $"{param}[{index++}]";
                    if (field.Shape is not null)
                    {
                        field.Shape.Validate(element, elementParam);
                    }
                    else if (field.ItemType is { } itemType)
                    {
                        CheckValue(new Field(field.Name, itemType) { Enum = field.Enum, MaxLength = field.MaxLength }, element, elementParam);
                    }
                }

                break;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
