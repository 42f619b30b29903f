namespace HeyGenRender.TestSupport;

/// <summary>A fresh temporary folder, deleted with everything in it when disposed.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    /// <param name="prefix">The start of its name, to tell which test left it.</param>
    public TempFolder(string prefix = "heygen-render-tests-") => Path = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary>The folder's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
        else if (File.Exists(Path))
        {
            File.Delete(Path);
        }
    }
}
