using System.Reflection;

namespace HeyGenRender.TestSupport;

/// <summary>Paths of the repository and of the shared HeyGen contract beside it.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder holding HeyGenRender.slnx).</summary>
    public static string Root { get; } = typeof(RepoPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    /// <summary>HeyGen's docs and OpenAPI spec: the contract (<c>../shared/heygen-docs</c>).</summary>
    public static string HeyGenDocs => Path.GetFullPath(Path.Combine(Root, "..", "shared", "heygen-docs"));

    /// <summary>The OpenAPI 3.1 spec of HeyGen's API.</summary>
    public static string OpenApiSpec => Path.Combine(HeyGenDocs, "heygen-external-api.openapi.json");

    /// <summary>The operations of the current HeyGen CLI, with request and response schemas.</summary>
    public static string CliOperations => Path.Combine(HeyGenDocs, "heygen-cli-gen-operations.json");

    /// <summary>A path below the repository root.</summary>
    public static string InRepo(params string[] parts) => Path.Combine([Root, .. parts]);
}
