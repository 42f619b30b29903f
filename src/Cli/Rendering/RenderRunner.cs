using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGenRender.Cli.Hosting;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Trust;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Cli.Rendering;

/// <summary>What <c>render</c> was asked to do.</summary>
/// <param name="JobPath">The job spec file.</param>
/// <param name="AssetPaths">Local asset files to upload beside the job.</param>
/// <param name="OutDirectory">Where the local copy goes (<c>{out}/{render id}/</c>).</param>
/// <param name="Server">A running <c>serve</c> to use; null starts the pipeline in this process.</param>
/// <param name="Timeout">How long to wait for the render.</param>
/// <param name="PollInterval">How often the status is read.</param>
/// <param name="Verbose">Log the pipeline's information messages to standard error.</param>
internal sealed record RenderArguments(string JobPath, IReadOnlyList<string> AssetPaths, string OutDirectory, Uri? Server, TimeSpan Timeout, TimeSpan PollInterval, bool Verbose);

/// <summary>
/// <c>render</c>: validates the job locally, uploads its local assets and then the job into the inbox container
/// (where the inbox watcher of <c>serve</c> — or of the pipeline this command starts — picks it up), follows the
/// render through the HTTP status API, and saves the outputs under <c>{out}/{render id}/</c>.
/// </summary>
internal sealed class RenderRunner(CliEnvironment environment)
{
    /// <summary>The blob metadata holding the uploaded file's SHA-256, so an unchanged file is not uploaded again.</summary>
    private const string Sha256Metadata = "sha256";

    private static readonly JsonDocumentOptions s_json = new() { AllowTrailingCommas = true };

    public async Task<int> RunAsync(RenderArguments arguments, IConfiguration configuration, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var storage = new StorageOptions();
        configuration.GetSection(StorageOptions.SectionName).Bind(storage);
        var inbox = new InboxWatcherOptions();
        configuration.GetSection(InboxWatcherOptions.SectionName).Bind(inbox);
        storage.InternalContainers.Add(inbox.ReceiptsContainer);
        var job = await ReadJobAsync(arguments, storage, problems, cancellationToken).ConfigureAwait(false);
        if (job is null || problems.Count > 0)
        {
            return await BadInputAsync(problems).ConfigureAwait(false);
        }

        var started = environment.Time.GetTimestamp();
        var verbosity = arguments.Verbose ? LogLevel.Information : LogLevel.Warning;
        using var loggerFactory = CliLogging.CreateFactory(verbosity);
        EmbeddedDefaults? defaults = null;
        PipelineHost? host = null;
        try
        {
            var server = arguments.Server;
            if (server is null)
            {
                defaults = await EmbeddedDefaults.StartAsync(configuration, environment.Time, loggerFactory.CreateLogger("HeyGenRender.Cli"), cancellationToken).ConfigureAwait(false);
                configuration = defaults.Configuration;
                host = await PipelineHost.StartAsync(configuration, environment.Time, "http://127.0.0.1:0", defaults.Emulator is not null,
                    CliLogging.ToStandardError(verbosity), cancellationToken).ConfigureAwait(false);
                server = host.BaseAddress;
            }

            var blobs = CreateBlobServiceClient(configuration);
            using var http = new HttpClient { BaseAddress = server };
            using var timeout = new CancellationTokenSource(arguments.Timeout, environment.Time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                return await RenderProgress.For(environment).RunAsync(progress =>
                    RenderAsync(arguments, job, storage, blobs, http, progress, started, linked.Token)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                await environment.Error.WriteLineAsync($"error: the render did not finish within {arguments.Timeout:c} (--timeout). It may still finish: see its status in the renders container.").ConfigureAwait(false);
                return ExitCodes.Timeout;
            }
        }
        finally
        {
            if (host is not null)
            {
                await host.DisposeAsync().ConfigureAwait(false);
            }

            if (defaults is not null)
            {
                await defaults.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<int> RenderAsync(RenderArguments arguments, LocalJob job, StorageOptions storage, BlobServiceClient blobs, HttpClient http, RenderProgress progress, long started, CancellationToken cancellationToken)
    {
        var inbox = blobs.GetBlobContainerClient(storage.RequestsContainer);
        await inbox.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

        // Every referenced blob must exist once the local files are uploaded; list all that do not, before uploading anything.
        var missing = new List<string>();
        foreach (var (field, asset) in job.Spec.Assets().Where(a => a.Asset.IsBlob))
        {
            var uploading = job.LocalAssets.ContainsKey($"{asset.Container}/{asset.BlobName}");
            if (!uploading && !await ExistsAsync(blobs.GetBlobContainerClient(asset.Container).GetBlobClient(asset.BlobName), cancellationToken).ConfigureAwait(false))
            {
                missing.Add($"{field}.blob: {asset.Container}/{asset.BlobName} does not exist, and no local file of that name was given or found beside the job");
            }
        }

        if (missing.Count > 0)
        {
            return await BadInputAsync(missing, progress).ConfigureAwait(false);
        }

        foreach (var (location, localPath) in job.LocalAssets)
        {
            var slash = location.IndexOf('/', StringComparison.Ordinal);
            var container = blobs.GetBlobContainerClient(location[..slash]);
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await UploadIfChangedAsync(container.GetBlobClient(location[(slash + 1)..]), localPath, progress, cancellationToken).ConfigureAwait(false);
        }

        // The job goes last, so the watcher never sees it before its assets. Same content as before → same render.
        var jobBlob = inbox.GetBlobClient(job.BlobName);
        var (etag, unchanged) = await UploadIfChangedAsync(jobBlob, job.Path, progress, cancellationToken).ConfigureAwait(false);
        var renderId = RenderIds.FromInboxBlob(storage.RequestsContainer, job.BlobName, etag);
        var output = new OutputLocation(job.Spec.Output.Container, job.Spec.Output.Prefix ?? renderId);
        if (unchanged && await ExistsAsync(blobs.GetBlobContainerClient(output.Container).GetBlobClient(output.File(OutputLocation.ResultFile).Name), cancellationToken).ConfigureAwait(false))
        {
            progress.Stage("completed", 100, "already rendered: same job, same render id; nothing redone", environment.Time.GetElapsedTime(started));
            return await SaveOutputsAsync(renderId, output, blobs, arguments, progress, cancellationToken).ConfigureAwait(false);
        }

        if (unchanged && !await RenderExistsAsync(http, renderId, cancellationToken).ConfigureAwait(false))
        {
            // Same job blob, no result and no render of it in the task hub: it was never started. A new upload is a new render.
            // (A render that an earlier run left midway is in the task hub and resumes with the engine: it is followed, not redone.)
            (etag, _) = await UploadAsync(jobBlob, job.Path, progress, cancellationToken).ConfigureAwait(false);
            renderId = RenderIds.FromInboxBlob(storage.RequestsContainer, job.BlobName, etag);
            output = new OutputLocation(job.Spec.Output.Container, job.Spec.Output.Prefix ?? renderId);
        }

        progress.WriteLine($"render {renderId}: queued");
        progress.WriteLine($"  job    {storage.RequestsContainer}/{job.BlobName}");
        progress.WriteLine($"  status {new Uri(http.BaseAddress!, RenderApi.StatusPath(renderId))}");
        var failed = blobs.GetBlobContainerClient(storage.FailedRequestsContainer);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var response = await http.GetAsync(RenderApi.StatusPath(renderId), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                // Not started yet, or rejected by the inbox handler: then the job blob is in the failed container with its report.
                if (await ReadRejectionAsync(failed, job.BlobName, renderId, etag, cancellationToken).ConfigureAwait(false) is { } rejection)
                {
                    return await BadInputAsync(rejection, progress).ConfigureAwait(false);
                }

                progress.Stage("queued", 0, "waiting for the inbox watcher", environment.Time.GetElapsedTime(started));
            }
            else
            {
                response.EnsureSuccessStatusCode();
                using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), s_json);
                var root = status.RootElement;
                var runtime = Text(root, "status") ?? "pending";
                var stage = Text(root, "stage") ?? runtime;
                var percent = root.TryGetProperty("progress", out var p) && p.TryGetInt32(out var value) ? value : 0;
                var detail = root.TryGetProperty("custom_status", out var custom) && custom.ValueKind == JsonValueKind.Object ? Text(custom, "detail") : null;
                progress.Stage(stage, percent, detail, environment.Time.GetElapsedTime(started));
                if (runtime == "completed" && stage == "completed")
                {
                    return await SaveOutputsAsync(renderId, output, blobs, arguments, progress, cancellationToken).ConfigureAwait(false);
                }

                if (runtime is "completed" or "failed" or "terminated" or "cancelled")
                {
                    return await ReportFailureAsync(renderId, output, blobs, Text(root, "failure_message"), progress, cancellationToken).ConfigureAwait(false);
                }
            }

            await Task.Delay(arguments.PollInterval, environment.Time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<bool> RenderExistsAsync(HttpClient http, string renderId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(RenderApi.StatusPath(renderId), cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }

    private async Task<LocalJob?> ReadJobAsync(RenderArguments arguments, StorageOptions storage, List<string> problems, CancellationToken cancellationToken)
    {
        var path = environment.FullPath(arguments.JobPath);
        if (!File.Exists(path))
        {
            problems.Add($"{arguments.JobPath}: no such file");
            return null;
        }

        if (new FileInfo(path).Length > RenderJobSpecParser.MaxSpecBytes)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"{arguments.JobPath}: {new FileInfo(path).Length:N0} bytes, a job spec is at most {RenderJobSpecParser.MaxSpecBytes:N0}"));
            return null;
        }

        var parsed = RenderJobSpecParser.Parse(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false), storage.SpecDefaults);
        problems.AddRange(parsed.Errors.Select(e => e.ToString()));
        if (parsed.Spec is not { } spec)
        {
            return null;
        }

        // The trust rules, before any local file is uploaded into a container the spec names (the pipeline checks them
        // again when it takes the job). The render id is not known yet: a prefix may not begin with any render id.
        if (StorageTrustPolicy.Validate(storage) is { Count: > 0 } misconfigured)
        {
            problems.AddRange(misconfigured);
            return null;
        }

        var refused = new StorageTrustPolicy(Options.Create(storage)).Check(spec, renderId: string.Empty);
        problems.AddRange(refused.Select(e => e.ToString()));
        if (refused.Count > 0)
        {
            return null;
        }

        // Local files for the blobs the job references in the inbox: named on the command line, or found beside the job.
        var given = new List<string>();
        foreach (var asset in arguments.AssetPaths)
        {
            var full = environment.FullPath(asset);
            if (File.Exists(full))
            {
                given.Add(full);
            }
            else
            {
                problems.Add($"{asset}: no such file");
            }
        }

        var jobFolder = Path.GetDirectoryName(path)!;
        var local = new Dictionary<string, string>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, asset) in spec.Assets().Where(a => a.Asset.IsBlob))
        {
            var name = asset.BlobName!;
            var match = given.FirstOrDefault(g => g.EndsWith("/" + name, StringComparison.Ordinal))
                ?? given.FirstOrDefault(g => Path.GetFileName(g) == Path.GetFileName(name));
            if (match is not null)
            {
                used.Add(match);
                local[$"{asset.Container}/{name}"] = match;
            }
            else if (File.Exists(Path.Combine(jobFolder, name)))
            {
                local[$"{asset.Container}/{name}"] = Path.Combine(jobFolder, name);
            }
        }

        foreach (var unused in given.Where(g => !used.Contains(g)))
        {
            problems.Add($"{Path.GetRelativePath(environment.WorkingDirectory, unused)}: not referenced by the job (its blob assets: {string.Join(", ", spec.Assets().Where(a => a.Asset.IsBlob).Select(a => a.Asset.BlobName)) switch { "" => "none", var s => s }})");
        }

        return new LocalJob(path, Path.GetFileName(path), spec, local);
    }

    private async Task<(ETag ETag, bool Unchanged)> UploadIfChangedAsync(BlobClient blob, string localPath, RenderProgress progress, CancellationToken cancellationToken)
    {
        var sha256 = await HashAsync(localPath, cancellationToken).ConfigureAwait(false);
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            if (properties.Metadata.TryGetValue(Sha256Metadata, out var existing) && existing == sha256)
            {
                return (properties.ETag, true);
            }
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Not there yet.
        }

        return await UploadAsync(blob, localPath, progress, cancellationToken, sha256).ConfigureAwait(false);
    }

    private async Task<(ETag ETag, bool Unchanged)> UploadAsync(BlobClient blob, string localPath, RenderProgress progress, CancellationToken cancellationToken, string? sha256 = null)
    {
        sha256 ??= await HashAsync(localPath, cancellationToken).ConfigureAwait(false);
        var length = new FileInfo(localPath).Length;
        var reporter = progress.Transfer($"upload {blob.Name}", length);
        await using var stream = File.OpenRead(localPath);
        var info = await blob.UploadAsync(stream, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = ContentTypes.For(localPath) },
            Metadata = new Dictionary<string, string> { [Sha256Metadata] = sha256 },
            ProgressHandler = reporter,
        }, cancellationToken).ConfigureAwait(false);
        reporter.Report(length);
        return (info.Value.ETag, false);
    }

    private async Task<int> SaveOutputsAsync(string renderId, OutputLocation output, BlobServiceClient blobs, RenderArguments arguments, RenderProgress progress, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(output.Container);
        var resultBlob = container.GetBlobClient(output.File(OutputLocation.ResultFile).Name);
        var folder = Path.Combine(environment.FullPath(arguments.OutDirectory), renderId);
        Directory.CreateDirectory(folder);
        var resultPath = Path.Combine(folder, OutputLocation.ResultFile);
        await resultBlob.DownloadToAsync(resultPath, cancellationToken).ConfigureAwait(false);

        var saved = new List<(string Blob, string Local, long Length)>();
        using (var result = JsonDocument.Parse(await File.ReadAllTextAsync(resultPath, cancellationToken).ConfigureAwait(false), s_json))
        {
            if (result.RootElement.TryGetProperty("files", out var files) && files.ValueKind == JsonValueKind.Array)
            {
                foreach (var file in files.EnumerateArray())
                {
                    var fileContainer = Text(file, "container") ?? output.Container;
                    var name = Text(file, "blob");
                    if (name is null)
                    {
                        continue;
                    }

                    var length = file.TryGetProperty("length", out var l) && l.TryGetInt64(out var n) ? n : -1;
                    // The same layout as the blobs: a translation's {language}/video.mp4 keeps its folder.
                    var local = LocalPathFor(folder, output, name);
                    Directory.CreateDirectory(Path.GetDirectoryName(local)!);
                    if (!File.Exists(local) || new FileInfo(local).Length != length)
                    {
                        var blob = blobs.GetBlobContainerClient(fileContainer).GetBlobClient(name);
                        var reporter = progress.Transfer($"download {Path.GetRelativePath(folder, local)}", length);
                        await blob.DownloadToAsync(local, new BlobDownloadToOptions { ProgressHandler = reporter }, cancellationToken).ConfigureAwait(false);
                        reporter.Report(length);
                    }

                    saved.Add(($"{fileContainer}/{name}", local, length));
                }
            }
        }

        saved.Add(($"{output.Container}/{resultBlob.Name}", resultPath, new FileInfo(resultPath).Length));

        // Short lines (they fit 80 columns): where the blobs are, where the copies are, then each file under both.
        progress.WriteLine($"render {renderId}: completed");
        progress.WriteLine($"  blobs  {output.Container}/{output.Prefix}/");
        progress.WriteLine($"  files  {Path.GetRelativePath(environment.WorkingDirectory, folder)}{Path.DirectorySeparatorChar}");
        var nameWidth = saved.Max(f => Path.GetRelativePath(folder, f.Local).Length);
        foreach (var (_, local, length) in saved)
        {
            progress.WriteLine($"    {Path.GetRelativePath(folder, local).PadRight(nameWidth)}  {RenderProgress.Bytes(length),10}");
        }

        return ExitCodes.Success;
    }

    // Where blob <paramref name="name"/> of the render goes under its local folder; never outside it.
    private static string LocalPathFor(string folder, OutputLocation output, string name)
    {
        var relative = name.StartsWith(output.Prefix + "/", StringComparison.Ordinal) ? name[(output.Prefix.Length + 1)..] : Path.GetFileName(name);
        var local = Path.GetFullPath(Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar)));
        return local.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? local
            : Path.Combine(folder, Path.GetFileName(name));
    }

    private async Task<int> ReportFailureAsync(string renderId, OutputLocation output, BlobServiceClient blobs, string? failureMessage, RenderProgress progress, CancellationToken cancellationToken)
    {
        var errorBlob = blobs.GetBlobContainerClient(output.Container).GetBlobClient(output.File(OutputLocation.ErrorFile).Name);
        string? code = null, message = failureMessage, stage = null;
        try
        {
            var content = await errorBlob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            using var error = JsonDocument.Parse(content.Value.Content.ToMemory(), s_json);
            code = Text(error.RootElement, "failure_code");
            message = Text(error.RootElement, "failure_message") ?? message;
            stage = Text(error.RootElement, "stage");
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No error.json (the orchestration itself failed): the status's failure message is all there is.
        }

        progress.WriteLine($"render {renderId}: failed{(stage is null ? string.Empty : " at " + stage)}{(code is null ? string.Empty : " (" + code + ")")}: {message ?? "no reason given"}", error: true);
        progress.WriteLine($"  details: {output.Container}/{errorBlob.Name}", error: true);
        return ExitCodes.Failed;
    }

    private static async Task<IReadOnlyList<string>?> ReadRejectionAsync(BlobContainerClient failed, string jobBlobName, string renderId, ETag etag, CancellationToken cancellationToken)
    {
        var stem = jobBlobName[..^".json".Length];
        foreach (var name in new[] { InboxHandler.ErrorReportName(jobBlobName), $"{stem}.{renderId}{InboxHandler.ErrorReportSuffix}" })
        {
            BinaryData content;
            try
            {
                content = (await failed.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                continue;
            }

            using var report = JsonDocument.Parse(content.ToMemory(), s_json);
            if (Text(report.RootElement, "etag") != etag.ToString())
            {
                continue;
            }

            var problems = report.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                ? errors.EnumerateArray().Select(e => $"{Text(e, "field")}: {Text(e, "message")}").ToList()
                : [];
            problems.Add($"(the job blob was moved to {Text(report.RootElement, "moved_to")}, with this report beside it)");
            return problems;
        }

        return null;
    }

    private async Task<int> BadInputAsync(IReadOnlyList<string> problems, RenderProgress? progress = null)
    {
        var lines = new List<string> { problems.Count == 1 ? "error: the job has 1 problem:" : $"error: the job has {problems.Count} problems:" };
        lines.AddRange(problems.Select(p => "  " + p));
        foreach (var line in lines)
        {
            if (progress is null)
            {
                await environment.Error.WriteLineAsync(line).ConfigureAwait(false);
            }
            else
            {
                progress.WriteLine(line, error: true);
            }
        }

        return ExitCodes.BadInput;
    }

    private static BlobServiceClient CreateBlobServiceClient(IConfiguration configuration)
    {
        var options = new StorageOptions();
        configuration.GetSection(StorageOptions.SectionName).Bind(options);
        if (options.BlobServiceUri is { } uri)
        {
            return new BlobServiceClient(uri, new DefaultAzureCredential());
        }

        return new BlobServiceClient(options.ConnectionString ?? throw new InvalidOperationException("Storage is not configured: set Storage__ConnectionString or Storage__BlobServiceUri."));
    }

    private static async Task<bool> ExistsAsync(BlobClient blob, CancellationToken cancellationToken) =>
        (await blob.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value;

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
    }

    private static string? Text(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private sealed record LocalJob(string Path, string BlobName, RenderJobSpec Spec, IReadOnlyDictionary<string, string> LocalAssets);
}

/// <summary>Content types by file extension, for the blobs <c>render</c> uploads.</summary>
internal static class ContentTypes
{
    public static string For(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".json" => "application/json",
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".mp4" => "video/mp4",
        ".webm" => "video/webm",
        ".mp3" => "audio/mpeg",
        ".wav" => "audio/wav",
        ".pdf" => "application/pdf",
        _ => "application/octet-stream",
    };
}
