using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeyGenRender.Pipeline.Jobs;

/// <summary>Writes the pipeline's enums as snake_case strings (<c>video_agent</c>), as the job spec spells them.</summary>
/// <typeparam name="TEnum">The enum.</typeparam>
public sealed class SnakeCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    /// <summary>Creates the converter.</summary>
    public SnakeCaseEnumConverter()
        : base(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    {
    }
}
