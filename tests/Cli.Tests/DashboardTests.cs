using System.Diagnostics;
using System.Text.RegularExpressions;
using FluentAssertions;
using HeyGenRender.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace HeyGenRender.Cli.Tests;

/// <summary>
/// The dashboard in a real browser: Playwright drives Chromium (<c>/usr/bin/chromium</c>, from apt) against a running
/// <c>serve</c>. A render is started from the page, its progress is watched as it changes, its video plays (the element
/// reports a positive duration), and a failed render's details show HeyGen's code and message; at a wide and a narrow
/// viewport, with screenshots kept under <c>artifacts/screenshots/</c>.
/// </summary>
public sealed partial class DashboardTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const string Chromium = "/usr/bin/chromium";

    private const string Spec = """
        {"version": 1, "kind": "avatar", "avatar": {"look_id": "look_emulator_anna_office", "script": "SCRIPT", "captions": "sidecar"}}
        """;

    [Theory]
    [InlineData("wide", 1400, 900)]
    [InlineData("narrow", 390, 844)]
    public async Task Dashboard_StartWatchPlayAndInspectAFailure_InARealBrowser(string name, int width, int height)
    {
        File.Exists(Chromium).Should().BeTrue("eng/install-prerequisites.sh installs chromium from apt");
        await using var test = await CliTestHost.StartAsync(azurite, renderDuration: TimeSpan.FromSeconds(2));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        var clock = Stopwatch.StartNew();
        await page.GotoAsync(test.Host.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("#no-renders")).ToBeVisibleAsync();

        // Start a render from the page and watch it move.
        var id = await StartAsync(page, Spec.Replace("SCRIPT", "Hello from the browser test.", StringComparison.Ordinal));
        var row = page.Locator($"#renders tr[data-id='{id}']");
        var seen = new List<string>();
        while (await row.GetAttributeAsync("data-status") is var status && status != "completed")
        {
            var stage = await row.Locator("td").Nth(3).TextContentAsync();
            if (seen.Count == 0 || seen[^1] != $"{status}/{stage}")
            {
                seen.Add($"{status}/{stage}");
            }

            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(60), $"the render should complete; seen {string.Join(", ", seen)}");
            await page.WaitForTimeoutAsync(100);
        }

        output.WriteLine($"{name}: statuses seen {string.Join(" → ", seen)}");
        seen.Should().Contain(s => s.StartsWith("running/", StringComparison.Ordinal), "the page updates while the render runs");

        // Its video plays in the page, with the thumbnail as poster and the captions as a track.
        await row.ClickAsync();
        var video = page.Locator("#detail-body video");
        await Assertions.Expect(video).ToBeVisibleAsync();
        (await video.GetAttributeAsync("poster")).Should().Contain($"/api/renders/{id}/files/thumbnail.jpg");
        var duration = await video.EvaluateAsync<double>("v => new Promise((ok, fail) => { if (v.readyState >= 1) ok(v.duration); v.onloadedmetadata = () => ok(v.duration); v.onerror = () => fail(new Error('video error ' + (v.error && v.error.code))); })");
        duration.Should().BePositive();
        await Assertions.Expect(page.Locator("#detail-body track")).ToHaveAttributeAsync("src", new Regex("captions\\.vtt$"));
        await ScreenshotAsync(page, $"dashboard-{name}-completed.png");

        // A failed render shows where it failed and HeyGen's code and message.
        var failed = await StartAsync(page, Spec.Replace("SCRIPT", "This will break [[emulator:fail:internal_error]]", StringComparison.Ordinal));
        var failedRow = page.Locator($"#renders tr[data-id='{failed}']");
        await Assertions.Expect(failedRow).ToHaveAttributeAsync("data-status", "failed", new() { Timeout = 60_000 });
        await failedRow.ClickAsync();
        await Assertions.Expect(page.Locator("#detail-body")).ToContainTextAsync("internal_error");
        await Assertions.Expect(page.Locator("#detail-body .message")).Not.ToBeEmptyAsync();
        await ScreenshotAsync(page, $"dashboard-{name}-failed.png");
        output.WriteLine($"{name}: {clock.Elapsed.TotalSeconds:F1} s in the browser");
    }

    [Fact]
    public async Task Dashboard_CancelARunningRender_SaysWhatHeyGenCharges()
    {
        await using var test = await CliTestHost.StartAsync(azurite, renderDuration: TimeSpan.FromHours(1));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await page.GotoAsync(test.Host.BaseAddress.ToString());

        var id = await StartAsync(page, Spec.Replace("SCRIPT", "A render that will be cancelled.", StringComparison.Ordinal));
        var row = page.Locator($"#renders tr[data-id='{id}']");
        await Assertions.Expect(row.Locator("td").Nth(3)).ToHaveTextAsync("wait", new() { Timeout = 60_000 });
        await row.ClickAsync();
        await page.ClickAsync("#cancel");

        // The answer says the HeyGen job runs on and is charged; the render ends cancelled, and its details say so too.
        await Assertions.Expect(page.Locator("#detail-body")).ToContainTextAsync("HeyGen has no cancel operation");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "cancelled", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#detail-body")).ToContainTextAsync("cancelled");
        await Assertions.Expect(page.Locator("#detail-body")).ToContainTextAsync("is charged");
        await ScreenshotAsync(page, "dashboard-wide-cancelled.png");
    }

    private static async Task<string> StartAsync(IPage page, string spec)
    {
        await page.FillAsync("#spec", spec);
        await page.EvalOnSelectorAsync("#start-result", "e => e.textContent = ''"); // the previous start's id must not be read as this one's
        await page.ClickAsync("#start-button");
        var result = page.Locator("#start-result");
        await Assertions.Expect(result).ToHaveTextAsync(RenderId());
        return RenderId().Match((await result.TextContentAsync())!).Value;
    }

    private static async Task ScreenshotAsync(IPage page, string file)
    {
        var folder = RepoPaths.InRepo("artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, file), FullPage = true });
    }

    [GeneratedRegex("r-[0-9a-f]{32}")]
    private static partial Regex RenderId();
}
