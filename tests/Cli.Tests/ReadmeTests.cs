using System.Reflection;
using System.Text.RegularExpressions;
using FluentAssertions;
using HeyGenRender.Cli.Hosting;
using HeyGenRender.LocalAzurite;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.Pipeline.Workflow;
using HeyGenRender.TestSupport;

namespace HeyGenRender.Cli.Tests;

/// <summary>The README stays true: its links resolve and its configuration table names every setting the CLI and pipeline bind.</summary>
public sealed partial class ReadmeTests
{
    private static readonly string s_readme = File.ReadAllText(RepoPaths.InRepo("README.md"));

    [Fact]
    public void Readme_RelativeLinks_PointAtFilesThatExist()
    {
        var links = RelativeLink().Matches(s_readme).Select(m => m.Groups["path"].Value).Distinct().ToList();

        links.Should().NotBeEmpty();
        links.Should().OnlyContain(l => File.Exists(RepoPaths.InRepo(l)) || Directory.Exists(RepoPaths.InRepo(l)));
    }

    [Theory]
    [InlineData(typeof(StorageOptions), StorageOptions.SectionName)]
    [InlineData(typeof(SecretsOptions), SecretsOptions.SectionName)]
    [InlineData(typeof(WebhookIntakeOptions), WebhookIntakeOptions.SectionName)]
    [InlineData(typeof(RenderWorkflowOptions), RenderWorkflowOptions.SectionName)]
    [InlineData(typeof(InboxWatcherOptions), InboxWatcherOptions.SectionName)]
    [InlineData(typeof(AzuriteOptions), "Azurite")]
    [InlineData(typeof(HeyGenRender.LocalDurableTask.LocalDurableTaskOptions), HeyGenRender.LocalDurableTask.LocalDurableTaskOptions.SectionName)]
    public void ReadmeConfiguration_EveryBoundSetting_IsListed(Type options, string section)
    {
        var settings = options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod?.IsPublic == true)
            .Select(p => $"`{section}__{p.Name}`");

        settings.Should().OnlyContain(s => s_readme.Contains(s, StringComparison.Ordinal), "README.md's configuration table lists every setting with its default");
    }

    [GeneratedRegex(@"\]\((?<path>(?!https?:)[^)#]+)(#[^)]*)?\)")]
    private static partial Regex RelativeLink();
}
