namespace HeyGenRender.LocalAzurite;

/// <summary>How to start the local Azurite blob service.</summary>
public sealed class AzuriteOptions
{
    /// <summary>Loopback port; 0 (the default) lets the system pick a free one.</summary>
    public int Port { get; set; }

    /// <summary>Where Azurite keeps blobs; a fresh temporary folder, deleted on stop, when null.</summary>
    public string? DataFolder { get; set; }

    /// <summary>Keep blobs in Azurite's memory instead of on disk (only for small data).</summary>
    public bool InMemory { get; set; }

    /// <summary>The folder whose <c>node_modules</c> holds Azurite; found from the current and the application folders when null.</summary>
    public string? InstallRoot { get; set; }
}
