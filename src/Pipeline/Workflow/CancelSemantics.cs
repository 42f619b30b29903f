namespace HeyGenRender.Pipeline.Workflow;

/// <summary>What a cancel does at HeyGen, said the same way in the cancel answer and in error.json.</summary>
public static class CancelSemantics
{
    /// <summary>The note for a render cancelled with (or without) a HeyGen job.</summary>
    /// <param name="heyGenId">HeyGen's id, when the job had been created.</param>
    /// <returns>One sentence or two.</returns>
    public static string Note(string? heyGenId) => heyGenId is null
        ? "No HeyGen job had been created, so nothing is charged."
        : $"HeyGen has no cancel operation: its job {heyGenId} runs to the end and is charged. This render stops waiting for it and stores none of its files.";
}
