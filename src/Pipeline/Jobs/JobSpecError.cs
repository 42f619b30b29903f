namespace HeyGenRender.Pipeline.Jobs;

/// <summary>One problem with a job spec: the field (a JSON path such as <c>avatar.script</c> or <c>video_agent.files[1].blob</c>) and the rule it breaks.</summary>
/// <param name="Field">The JSON path of the field; <c>$</c> for the document itself.</param>
/// <param name="Message">The rule, for example <c>5,212 characters, limit 5,000</c>.</param>
public sealed record JobSpecError(string Field, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Field}: {Message}";
}

/// <summary>Thrown when a job spec is not valid; carries every problem found.</summary>
public sealed class JobSpecException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="errors">Every problem found (at least one).</param>
    public JobSpecException(IReadOnlyList<JobSpecError> errors)
        : base(Describe(errors))
    {
        Errors = errors;
    }

    /// <summary>Every problem found.</summary>
    public IReadOnlyList<JobSpecError> Errors { get; }

    private static string Describe(IReadOnlyList<JobSpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return "The job spec is not valid: " + string.Join("; ", errors);
    }
}
