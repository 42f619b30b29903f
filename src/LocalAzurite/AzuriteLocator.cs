namespace HeyGenRender.LocalAzurite;

/// <summary>Finds the pinned Azurite installed by <c>npm ci</c> (eng/install-prerequisites.sh).</summary>
public static class AzuriteLocator
{
    private static readonly string s_relativeExecutable = Path.Combine("node_modules", ".bin", "azurite");

    /// <summary>Returns the path of <c>azurite</c> (blob, queue and table services), searching upwards from the given, current and application folders.</summary>
    /// <exception cref="AzuriteNotInstalledException">No installed Azurite was found.</exception>
    public static string FindExecutable(string? installRoot = null) =>
        FindExecutable([installRoot, Environment.GetEnvironmentVariable("HEYGEN_RENDER_AZURITE_ROOT"), Directory.GetCurrentDirectory(), AppContext.BaseDirectory]);

    /// <summary>Returns the path of <c>azurite</c> (blob, queue and table services), searching upwards from each of <paramref name="searchStarts"/> in turn.</summary>
    /// <exception cref="AzuriteNotInstalledException">No installed Azurite was found.</exception>
    public static string FindExecutable(IEnumerable<string?> searchStarts)
    {
        foreach (var start in searchStarts.Where(s => !string.IsNullOrEmpty(s)))
        {
            for (var folder = new DirectoryInfo(start!); folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, s_relativeExecutable);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new AzuriteNotInstalledException(
            "Azurite is not installed: run eng/install-prerequisites.sh (it runs 'npm ci' for the version pinned in package.json), " +
            "or set HEYGEN_RENDER_AZURITE_ROOT to the folder whose node_modules holds it.");
    }
}

/// <summary>The pinned Azurite package is not installed where the application looked for it.</summary>
public sealed class AzuriteNotInstalledException : Exception
{
    /// <summary>Creates the exception with a message that says how to install Azurite.</summary>
    public AzuriteNotInstalledException(string message)
        : base(message)
    {
    }
}
