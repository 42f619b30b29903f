namespace HeyGenRender.Pipeline.Workflow;

/// <summary>
/// The names the render workflow is registered under. The Functions app uses them in <c>[Function(...)]</c>
/// attributes, so the same orchestration history works whichever host runs it.
/// </summary>
public static class RenderWorkflowNames
{
    /// <summary>The render orchestrator; its input is a <c>RenderRequest</c>, its output a <see cref="RenderOutcome"/>.</summary>
    public const string Orchestrator = "RenderOrchestrator";

    /// <summary>Reads the stored job spec and the options: <c>RenderRequest</c> → <see cref="RenderPlan"/>.</summary>
    public const string PrepareRender = "PrepareRender";

    /// <summary>Uploads one blob asset to HeyGen, or reuses an identical earlier upload: <see cref="UploadAssetInput"/> → <see cref="UploadedAsset"/>.</summary>
    public const string UploadAsset = "UploadAsset";

    /// <summary>Creates the HeyGen job and records its id in the job index: <see cref="CreateJobInput"/> → <see cref="CreateJobResult"/>.</summary>
    public const string CreateHeyGenJob = "CreateHeyGenJob";

    /// <summary>Reads the HeyGen job's status: <see cref="JobRef"/> → <see cref="JobSnapshot"/>.</summary>
    public const string GetHeyGenJob = "GetHeyGenJob";

    /// <summary>Streams the outputs into blob storage: <see cref="DownloadInput"/> → <see cref="DownloadResult"/>.</summary>
    public const string DownloadOutputs = "DownloadOutputs";

    /// <summary>Writes <c>result.json</c>: <see cref="WriteResultInput"/> → blob name.</summary>
    public const string WriteResult = "WriteResult";

    /// <summary>Writes <c>error.json</c>: <see cref="WriteErrorInput"/> → blob name.</summary>
    public const string WriteError = "WriteError";

    /// <summary>Takes a HeyGen slot or joins the queue: <see cref="Orchestration.SlotRequest"/> → <see cref="Orchestration.SlotAnswer"/> (see <see cref="Orchestration.RenderSlots"/>).</summary>
    public const string AcquireSlot = "AcquireRenderSlot";

    /// <summary>Frees a HeyGen slot (or a place in the queue): <see cref="Orchestration.SlotRequest"/> → <see cref="Orchestration.SlotAnswer"/>.</summary>
    public const string ReleaseSlot = "ReleaseRenderSlot";

    /// <summary>The event the semaphore's releaser sends to a waiting render when it hands it a slot.</summary>
    public const string SlotGrantedEvent = "RenderSlotGranted";
}
