using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Azure.Storage.Blobs;
using FluentAssertions;
using HeyGen.Emulator;
using HeyGenRender.TestSupport;
using Xunit.Abstractions;

namespace HeyGenRender.Cli.Tests;

/// <summary>
/// Durability, as a user would see it: <c>serve</c> runs in its own process over Azurite (its task hub in Azurite's
/// queues and tables), HeyGen (the emulator) lives outside it, and the process is killed with SIGKILL while renders are
/// at different stages, then started again. Every render must finish exactly once, each with exactly one HeyGen job.
/// </summary>
public sealed class RestartDrillTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const int Renders = 6;

    private static string Job(int i, string outputContainer) => $$"""
        {
          "version": 1,
          "kind": "avatar",
          "avatar": { "look_id": "look_emulator_anna_office", "script": "Restart drill render number {{i}}.", "captions": "sidecar" },
          "output": { "container": "{{outputContainer}}" },
          "wait": { "mode": "auto", "timeout_minutes": 10 }
        }
        """;

    [Fact]
    public async Task Serve_KilledTwiceWhileRendersRun_EveryRenderCompletesOnceWithOneHeyGenJob()
    {
        await using var emulator = await HeyGenEmulatorHost.StartAsync(new EmulatorOptions { RenderDuration = TimeSpan.FromSeconds(3) }, TimeProvider.System);
        using var journal = new TempFolder("drill-journal-");
        var settings = new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = azurite.ConnectionString,
            // The webhook journal on disk, as serve keeps it with its embedded Azurite: acknowledged deliveries survive the kills.
            ["Webhooks__JournalFolder"] = journal.Path,
            ["Storage__RequestsContainer"] = AzuriteFixture.UniqueContainerName("in"),
            ["Storage__RendersContainer"] = AzuriteFixture.UniqueContainerName("out"),
            ["Storage__FailedRequestsContainer"] = AzuriteFixture.UniqueContainerName("failed"),
            ["Storage__WebhookEventsContainer"] = AzuriteFixture.UniqueContainerName("events"),
            ["Inbox__ReceiptsContainer"] = AzuriteFixture.UniqueContainerName("receipts"),
            ["Inbox__PollInterval"] = "00:00:00.200",
            ["HeyGen__Endpoint"] = emulator.BaseAddress.ToString(),
            ["Secrets__HeyGenApiKey"] = emulator.ApiKey,
            ["Durable__TaskHub"] = "drill" + Guid.NewGuid().ToString("N")[..10],
            ["Durable__MaxQueuePollingInterval"] = "00:00:00.200",
            // Short, so that work items the killed process held come back within seconds.
            ["Durable__WorkItemVisibilityTimeout"] = "00:00:08",
            ["Durable__ControlQueueVisibilityTimeout"] = "00:00:05",
            ["Workflow__ConcurrencyLimit"] = "3",
            ["Workflow__ExpectedRenderTime"] = "00:00:03",
            ["Workflow__MinExpectedRenderTime"] = "00:00:03",
            ["Workflow__RenderTimePerVideoSecond"] = "0",
            ["Workflow__SafetyNetPollInterval"] = "00:00:02",
            ["Workflow__SlotRecheckInterval"] = "00:00:01",
        };
        var blobs = azurite.CreateServiceClient();
        var inbox = blobs.GetBlobContainerClient(settings["Storage__RequestsContainer"]);
        var renders = blobs.GetBlobContainerClient(settings["Storage__RendersContainer"]);
        await inbox.CreateIfNotExistsAsync();
        var clock = Stopwatch.StartNew();

        var serve = await ServeChild.StartAsync(settings);
        string atFirstKill, atSecondKill, keyedRender;
        List<(string Status, string HeyGenId, string RenderId)> results;
        try
        {
            // One render through the HTTP API with an Idempotency-Key, the others through the inbox.
            using (var http = new HttpClient { BaseAddress = serve.BaseAddress })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/renders") { Content = new StringContent(Job(0, renders.Name)) };
                request.Headers.Add("Idempotency-Key", "drill-key");
                using var started = await http.SendAsync(request);
                started.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted);
                keyedRender = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
            }

            for (var i = 1; i < Renders; i++)
            {
                await inbox.GetBlobClient($"drill/job-{i}.json").UploadAsync(BinaryData.FromString(Job(i, renders.Name)));
            }

            // Kill 1: some renders have their HeyGen job, the others are uploading, queued for a slot or not yet started.
            await WaitUntilAsync(() => Task.FromResult(emulator.State.Jobs.Count >= 2), "two HeyGen jobs created", serve);
            atFirstKill = Describe(emulator, await CountResultsAsync(renders));
            serve.Kill();
            serve = await ServeChild.StartAsync(settings);

            // Kill 2: some renders have finished, others are waiting on HeyGen or downloading.
            await WaitUntilAsync(async () => await CountResultsAsync(renders) >= 1, "a first render finished", serve);
            atSecondKill = Describe(emulator, await CountResultsAsync(renders));
            serve.Kill();
            serve = await ServeChild.StartAsync(settings);

            await WaitUntilAsync(async () => await CountResultsAsync(renders) >= Renders, "every render finished", serve);
            results = await ReadResultsAsync(renders);

            // Restarted once more: the engine still knows every render, finished ones included, and the key.
            await serve.StopAsync();
            serve = await ServeChild.StartAsync(settings);
            using var client = new HttpClient { BaseAddress = serve.BaseAddress };
            foreach (var (_, _, id) in results)
            {
                // result.json is written one step before the orchestration completes: a render stopped in between
                // completes after the restart.
                await WaitUntilAsync(async () => JsonDocument.Parse(await client.GetStringAsync($"/api/renders/{id}")).RootElement
                    .GetProperty("status").GetString() == "completed", $"render {id} reported completed after the restart", serve);
            }

            using var repeat = new HttpRequestMessage(HttpMethod.Post, "/api/renders") { Content = new StringContent(Job(0, renders.Name)) };
            repeat.Headers.Add("Idempotency-Key", "drill-key");
            using var repeated = await client.SendAsync(repeat);
            repeated.StatusCode.Should().Be(System.Net.HttpStatusCode.OK, "the key's render exists: it is not started again");
            JsonDocument.Parse(await repeated.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString().Should().Be(keyedRender);
            await serve.StopAsync();
        }
        finally
        {
            // Never leave a serve behind, whatever failed above.
            serve.Kill();
        }

        var duplicates = emulator.State.Jobs.Count - Renders;
        output.WriteLine($"FIGURE restart drill: {Renders} renders, 2 kills (SIGKILL; at kill 1 {atFirstKill}; at kill 2 {atSecondKill}), " +
            $"{results.Count(r => r.Status == "completed")} completed, {emulator.State.Jobs.Count} HeyGen jobs ({duplicates} duplicated), " +
            $"{Renders - results.Count} lost, {clock.Elapsed.TotalSeconds:0} s in all");
        results.Should().HaveCount(Renders, "every render finished, none lost");
        results.Should().OnlyContain(r => r.Status == "completed");
        results.Select(r => r.HeyGenId).Should().OnlyHaveUniqueItems();
        emulator.State.Jobs.Should().HaveCount(Renders, "a restarted render reuses its HeyGen job (same Idempotency-Key), it never creates a second");
        results.Select(r => r.RenderId).Should().Contain(keyedRender);
    }

    [Fact]
    public async Task Serve_KilledWhileItsEmbeddedAzuriteRuns_AzuriteEndsWithIt()
    {
        var data = Directory.CreateTempSubdirectory("drill-azurite-").FullName;
        var serve = await ServeChild.StartAsync(new Dictionary<string, string>(), "--azurite-data", data);
        int supervisor;
        try
        {
            using var record = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, LocalAzurite.AzuriteServer.InstanceFile)));
            supervisor = record.RootElement.GetProperty("SupervisorPid").GetInt32();
            IsRunning(supervisor).Should().BeTrue();
        }
        finally
        {
            serve.Kill();
        }

        // No shutdown code ran in serve; Azurite's supervisor saw its standard input close and stopped it.
        await WaitUntilAsync(() => Task.FromResult(!IsRunning(supervisor)), "Azurite ended with serve", serve);
        Directory.Delete(data, recursive: true);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Describe(HeyGenEmulatorHost emulator, int finished) =>
        $"{emulator.State.Jobs.Count} HeyGen jobs, {emulator.State.JobsInProgress} rendering, {finished} finished";

    private static async Task<int> CountResultsAsync(BlobContainerClient renders)
    {
        var count = 0;
        if (!await renders.ExistsAsync())
        {
            return 0;
        }

        await foreach (var blob in renders.GetBlobsAsync())
        {
            count += blob.Name.EndsWith("/result.json", StringComparison.Ordinal) || blob.Name.EndsWith("/error.json", StringComparison.Ordinal) ? 1 : 0;
        }

        return count;
    }

    private static async Task<List<(string Status, string HeyGenId, string RenderId)>> ReadResultsAsync(BlobContainerClient renders)
    {
        var results = new List<(string, string, string)>();
        await foreach (var blob in renders.GetBlobsAsync())
        {
            if (blob.Name.EndsWith("/result.json", StringComparison.Ordinal) || blob.Name.EndsWith("/error.json", StringComparison.Ordinal))
            {
                var json = JsonDocument.Parse((await renders.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToString()).RootElement;
                results.Add((json.GetProperty("status").GetString()!, json.TryGetProperty("heygen_id", out var id) ? id.GetString()! : blob.Name, json.GetProperty("render_id").GetString()!));
            }
        }

        return results;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, ServeChild serve)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (!await condition())
        {
            if (timeout.IsCancellationRequested || (serve.HasExited && !serve.KilledOnPurpose))
            {
                throw new TimeoutException($"Waited in vain for: {what}. serve said:\n{serve.OutputTail}");
            }

            await Task.Delay(100, CancellationToken.None);
        }
    }

    /// <summary><c>heygen-render serve</c> in a process of its own, configured through its environment.</summary>
    private sealed class ServeChild
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _output;
        private bool _disposed;

        private ServeChild(Process process, ConcurrentQueue<string> output)
        {
            _process = process;
            _output = output;
        }

        public bool HasExited => _disposed || _process.HasExited;

        public bool KilledOnPurpose => _disposed;

        public Uri BaseAddress { get; private set; } = null!;

        public string OutputTail => string.Join('\n', _output.TakeLast(60));

        public static async Task<ServeChild> StartAsync(IReadOnlyDictionary<string, string> settings, params string[] arguments)
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = RepoPaths.Root,
            };
            foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "HeyGenRender.Cli.dll"), "serve", "--urls", "http://127.0.0.1:0", .. arguments])
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var (name, value) in settings)
            {
                start.Environment[name] = value;
            }

            start.Environment["Logging__LogLevel__Default"] = "Warning";
            var output = new ConcurrentQueue<string>();
            Uri? address = null;
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start serve.");
            void OnLine(string? line)
            {
                if (line is null)
                {
                    return;
                }

                output.Enqueue(line);
                if (line.Contains("serving on ", StringComparison.Ordinal))
                {
                    address = new Uri(line[(line.IndexOf("serving on ", StringComparison.Ordinal) + "serving on ".Length)..].Trim());
                    ready.TrySetResult();
                }
            }

            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.EnableRaisingEvents = true;
            process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("serve exited:\n" + string.Join('\n', output)));
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var child = new ServeChild(process, output);
            try
            {
                await ready.Task.WaitAsync(TimeSpan.FromSeconds(90));
                child.BaseAddress = address!;
            }
            catch
            {
                child.Kill();
                throw;
            }

            return child;
        }

        /// <summary>SIGKILL: no shutdown code runs, as in a crash. Safe to call again.</summary>
        public void Kill()
        {
            if (_disposed)
            {
                return;
            }

            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit();
            _process.Dispose();
            _disposed = true;
        }

        /// <summary>SIGTERM, as Ctrl+C or a service manager would stop it; killed if it does not stop within 30 s.</summary>
        public async Task StopAsync()
        {
            using (var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } }))
            {
                await term!.WaitForExitAsync();
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
                throw new TimeoutException("serve did not stop within 30 s of SIGTERM:\n" + OutputTail);
            }

            _process.Dispose();
            _disposed = true;
        }
    }
}
