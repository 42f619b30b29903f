using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace HeyGenRender.Pipeline.Jobs;

/// <summary>
/// Parses and validates a job spec (<c>schemas/job-spec.v1.schema.json</c>) in one pass, collecting every
/// problem rather than stopping at the first: unknown fields, wrong types, missing fields, HeyGen's limits.
/// Asset existence is checked separately by <see cref="JobAssetChecker"/> because it needs storage.
/// </summary>
public static partial class RenderJobSpecParser
{
    /// <summary>The largest job spec accepted, in bytes (scripts and prompts are at most 10,000 characters).</summary>
    public const int MaxSpecBytes = 256 * 1024;

    /// <summary>HeyGen's limit on an avatar or image video's script.</summary>
    public const int MaxScriptCharacters = 5_000;

    /// <summary>HeyGen's limit on a video agent prompt.</summary>
    public const int MaxPromptCharacters = 10_000;

    /// <summary>HeyGen's limit on video agent attachments.</summary>
    public const int MaxAgentFiles = 20;

    /// <summary>The longest overall timeout a spec may ask for (7 days, when HeyGen's video URLs expire too).</summary>
    public const int MaxTimeoutMinutes = 7 * 24 * 60;

    // The known fields of each object; the schema test checks the schema file lists the same ones.
    internal static readonly string[] RootFields = ["$schema", "version", "kind", "title", "avatar", "image", "video_agent", "translation", "lipsync", "output", "wait"];
    internal static readonly string[] AvatarFields = ["look_id", "voice_id", "script", "audio", "background", "resolution", "aspect_ratio", "engine", "voice_settings", "captions"];
    internal static readonly string[] ImageFields = ["image", "voice_id", "script", "audio", "background", "resolution", "aspect_ratio", "voice_settings", "captions"];
    internal static readonly string[] VideoAgentFields = ["prompt", "files", "style_id", "orientation", "avatar_id", "voice_id"];
    internal static readonly string[] TranslationFields = ["video", "output_languages", "input_language", "mode", "captions"];
    internal static readonly string[] LipsyncFields = ["video", "audio", "mode", "captions"];
    internal static readonly string[] AssetFields = ["blob", "container", "url"];
    internal static readonly string[] BackgroundFields = ["color", "image"];
    internal static readonly string[] VoiceSettingsFields = ["speed", "pitch", "volume", "locale"];
    internal static readonly string[] OutputFields = ["container", "prefix"];
    internal static readonly string[] WaitFields = ["mode", "timeout_minutes"];

    internal static readonly string[] Kinds = ["avatar", "image", "video_agent", "translation", "lipsync"];
    internal static readonly string[] Resolutions = ["4k", "1080p", "720p"];
    internal static readonly string[] AspectRatios = ["16:9", "9:16", "4:5", "5:4", "1:1", "auto"];
    internal static readonly string[] Engines = ["avatar_iii", "avatar_iv", "avatar_v"];
    internal static readonly string[] CaptionModes = ["none", "sidecar", "burned_in"];
    internal static readonly string[] Orientations = ["landscape", "portrait"];
    internal static readonly string[] Modes = ["speed", "precision"];
    internal static readonly string[] WaitModes = ["auto", "webhook", "poll"];

    private static readonly JsonDocumentOptions s_documentOptions = new()
    {
        // Duplicates are reported by ObjectReader with their path, which JsonDocument's exception lacks.
        AllowDuplicateProperties = true,
        CommentHandling = JsonCommentHandling.Disallow,
        MaxDepth = 32,
    };

    /// <summary>Parses and validates a job spec.</summary>
    /// <param name="utf8Json">The document, UTF-8.</param>
    /// <param name="defaults">The containers a spec that names none means (the host's inbox and renders containers); <see cref="JobSpecDefaults.Standard"/> when null.</param>
    /// <returns>The spec, or every problem found.</returns>
    public static JobSpecParseResult Parse(ReadOnlyMemory<byte> utf8Json, JobSpecDefaults? defaults = null)
    {
        if (utf8Json.Length > MaxSpecBytes)
        {
            return Fail(new JobSpecError("$", string.Create(CultureInfo.InvariantCulture, $"{utf8Json.Length:N0} bytes, limit {MaxSpecBytes:N0}")));
        }

        var span = utf8Json.Span;
        if (span.StartsWith(Encoding.UTF8.Preamble))
        {
            utf8Json = utf8Json[Encoding.UTF8.Preamble.Length..];
        }

        if (utf8Json.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return Fail(new JobSpecError("$", "empty document; expected a JSON object"));
        }

        if (!System.Text.Unicode.Utf8.IsValid(utf8Json.Span) && FirstInvalidUtf8(utf8Json.Span) is { } offset)
        {
            return Fail(new JobSpecError("$", string.Create(CultureInfo.InvariantCulture,
                $"not valid UTF-8: byte 0x{utf8Json.Span[(int)offset]:X2} at byte offset {offset} starts no valid character")));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json, s_documentOptions);
        }
        catch (JsonException ex)
        {
            return Fail(new JobSpecError("$", DescribeMalformed(ex)));
        }

        using (document)
        {
            var reader = new SpecReader(defaults ?? JobSpecDefaults.Standard);
            RenderJobSpec? spec;
            try
            {
                spec = reader.ReadRoot(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // Valid UTF-8 can still escape a lone surrogate ("\ud800"), which no string can hold.
                return Fail(new JobSpecError("$", "invalid text: a \\u escape is a lone surrogate (\\uD800-\\uDFFF without its pair)"));
            }

            return reader.Errors.Count == 0 && spec is not null
                ? new JobSpecParseResult(spec, [])
                : new JobSpecParseResult(null, reader.Errors);
        }
    }

    /// <summary>Parses and validates a job spec.</summary>
    /// <param name="json">The document.</param>
    /// <param name="defaults">The containers a spec that names none means; <see cref="JobSpecDefaults.Standard"/> when null.</param>
    /// <returns>The spec, or every problem found.</returns>
    public static JobSpecParseResult Parse(string json, JobSpecDefaults? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return Parse(Encoding.UTF8.GetBytes(json), defaults);
    }

    /// <summary>Parses a spec known to be valid (for example the stored copy), throwing otherwise.</summary>
    /// <param name="utf8Json">The document, UTF-8.</param>
    /// <param name="defaults">The containers a spec that names none means; <see cref="JobSpecDefaults.Standard"/> when null.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="JobSpecException">The spec is not valid.</exception>
    public static RenderJobSpec ParseValid(ReadOnlyMemory<byte> utf8Json, JobSpecDefaults? defaults = null)
    {
        var result = Parse(utf8Json, defaults);
        return result.Spec ?? throw new JobSpecException(result.Errors);
    }

    private static JobSpecParseResult Fail(JobSpecError error) => new(null, [error]);

    // The offset of the first byte that does not begin a valid UTF-8 sequence, or null when all of it is valid.
    private static long? FirstInvalidUtf8(ReadOnlySpan<byte> utf8)
    {
        Span<char> chars = stackalloc char[1024];
        long consumed = 0;
        while (!utf8.IsEmpty)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(utf8, chars, out var read, out _, replaceInvalidSequences: false);
            if (status == System.Buffers.OperationStatus.InvalidData || status == System.Buffers.OperationStatus.NeedMoreData)
            {
                return consumed + read;
            }

            consumed += read;
            utf8 = utf8[read..];
        }

        return null;
    }

    private static string DescribeMalformed(JsonException ex)
    {
        // STJ appends "LineNumber: n | BytePositionInLine: m." (0-based); say it once, 1-based.
        var reason = ex.Message;
        var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut >= 0)
        {
            reason = reason[..cut];
        }

        reason = reason.TrimEnd('.', ' ');
        return ex.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"malformed JSON at line {line + 1}, position {(ex.BytePositionInLine ?? 0) + 1}: {reason}")
            : $"malformed JSON: {reason}";
    }

    [GeneratedRegex("^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$", RegexOptions.CultureInvariant)]
    internal static partial Regex ContainerNamePattern();

    [GeneratedRegex("^#[0-9a-fA-F]{6}$", RegexOptions.CultureInvariant)]
    internal static partial Regex ColorPattern();

    private sealed class SpecReader(JobSpecDefaults defaults)
    {
        public List<JobSpecError> Errors { get; } = [];

        public void Error(string field, string message) => Errors.Add(new JobSpecError(field, message));

        public RenderJobSpec? ReadRoot(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Error("$", $"must be a JSON object (got {Describe(root.ValueKind)})");
                return null;
            }

            var obj = new ObjectReader(this, root, string.Empty, RootFields);
            obj.OptionalString("$schema");

            var version = obj.OptionalInt("version", required: true);
            if (version is not null and not RenderJobSpec.CurrentVersion)
            {
                Error("version", string.Create(CultureInfo.InvariantCulture, $"unsupported version {version}; this service reads version {RenderJobSpec.CurrentVersion}"));
            }

            var kindName = obj.Enum("kind", Kinds, required: true);
            var title = obj.OptionalString("title", maxLength: 255);

            // Only the section named by kind may be present.
            foreach (var section in Kinds)
            {
                if (section != kindName && obj.Has(section))
                {
                    Error(section, kindName is null
                        ? "a kind section needs a matching kind"
                        : $"not allowed when kind is {kindName}; only the '{kindName}' section is read");
                }
            }

            RenderJob? job = null;
            if (kindName is not null)
            {
                var section = obj.Object(kindName, required: true);
                if (section is not null)
                {
                    job = kindName switch
                    {
                        "avatar" => ReadAvatar(section.Value),
                        "image" => ReadImage(section.Value),
                        "video_agent" => ReadVideoAgent(section.Value),
                        "translation" => ReadTranslation(section.Value),
                        _ => ReadLipsync(section.Value),
                    };
                }
            }

            var output = ReadOutput(obj.Object("output"));
            var wait = ReadWait(obj.Object("wait"), kindName);

            if (kindName is null || job is null || output is null || wait is null || Errors.Count > 0)
            {
                return null;
            }

            return new RenderJobSpec
            {
                Version = RenderJobSpec.CurrentVersion,
                Kind = ToKind(kindName),
                Title = title,
                Job = job,
                Output = output,
                Wait = wait,
            };
        }

        private static RenderKind ToKind(string name) => name switch
        {
            "avatar" => RenderKind.Avatar,
            "image" => RenderKind.Image,
            "video_agent" => RenderKind.VideoAgent,
            "translation" => RenderKind.Translation,
            _ => RenderKind.Lipsync,
        };

        private AvatarVideoJob? ReadAvatar(JsonElement element)
        {
            var obj = new ObjectReader(this, element, "avatar", AvatarFields);
            var lookId = obj.Id("look_id", required: true);
            var spoken = ReadSpoken(obj, voiceRequired: false);
            var engine = obj.Enum("engine", Engines);
            return lookId is null || spoken is null
                ? null
                : new AvatarVideoJob
                {
                    LookId = lookId,
                    Engine = engine,
                    Script = spoken.Script,
                    VoiceId = spoken.VoiceId,
                    Audio = spoken.Audio,
                    Background = spoken.Background,
                    Resolution = spoken.Resolution,
                    AspectRatio = spoken.AspectRatio,
                    VoiceSettings = spoken.VoiceSettings,
                    Captions = spoken.Captions,
                };
        }

        private ImageVideoJob? ReadImage(JsonElement element)
        {
            var obj = new ObjectReader(this, element, "image", ImageFields);
            var image = ReadAsset(obj, "image", required: true);
            var spoken = ReadSpoken(obj, voiceRequired: true);
            return image is null || spoken is null
                ? null
                : new ImageVideoJob
                {
                    Image = image,
                    Script = spoken.Script,
                    VoiceId = spoken.VoiceId,
                    Audio = spoken.Audio,
                    Background = spoken.Background,
                    Resolution = spoken.Resolution,
                    AspectRatio = spoken.AspectRatio,
                    VoiceSettings = spoken.VoiceSettings,
                    Captions = spoken.Captions,
                };
        }

        private sealed record Spoken(string? Script, string? VoiceId, AssetReference? Audio, BackgroundSpec? Background, string? Resolution, string? AspectRatio, VoiceSettingsSpec? VoiceSettings, CaptionMode Captions);

        private Spoken? ReadSpoken(ObjectReader obj, bool voiceRequired)
        {
            var before = Errors.Count;
            var script = obj.OptionalString("script");
            var voiceId = obj.Id("voice_id");
            var audio = ReadAsset(obj, "audio", required: false);
            if (script is not null)
            {
                if (string.IsNullOrWhiteSpace(script))
                {
                    Error(obj.PathOf("script"), "must not be empty");
                }
                else if (script.Length > MaxScriptCharacters)
                {
                    Error(obj.PathOf("script"), string.Create(CultureInfo.InvariantCulture, $"{script.Length:N0} characters, limit {MaxScriptCharacters:N0}"));
                }

                if (obj.Has("audio"))
                {
                    Error(obj.PathOf("audio"), "not allowed with script; give a script or an audio asset, not both");
                }

                if (voiceRequired && voiceId is null && !obj.Has("voice_id"))
                {
                    Error(obj.PathOf("voice_id"), "required with a script (an image has no default voice)");
                }
            }
            else if (!obj.Has("script") && !obj.Has("audio"))
            {
                Error(obj.PathOf("script"), "required (or give an audio asset)");
            }
            else if (obj.Has("voice_id") && audio is not null)
            {
                Error(obj.PathOf("voice_id"), "not allowed with audio; a voice speaks a script");
            }

            var background = ReadBackground(obj);
            var resolution = obj.Enum("resolution", Resolutions);
            var aspectRatio = obj.Enum("aspect_ratio", AspectRatios);
            var voiceSettings = ReadVoiceSettings(obj);
            var captions = obj.Enum("captions", CaptionModes) switch
            {
                "sidecar" => CaptionMode.Sidecar,
                "burned_in" => CaptionMode.BurnedIn,
                _ => CaptionMode.None,
            };

            return Errors.Count > before ? null : new Spoken(script, voiceId, audio, background, resolution, aspectRatio, voiceSettings, captions);
        }

        private BackgroundSpec? ReadBackground(ObjectReader parent)
        {
            var element = parent.Object("background");
            if (element is null)
            {
                return null;
            }

            var obj = new ObjectReader(this, element.Value, parent.PathOf("background"), BackgroundFields);
            var color = obj.OptionalString("color");
            var image = ReadAsset(obj, "image", required: false);
            if (color is not null && !ColorPattern().IsMatch(color))
            {
                Error(obj.PathOf("color"), $"must be a hex colour like #1a2b3c (got '{Clip(color)}')");
            }

            if (obj.Has("color") == obj.Has("image"))
            {
                Error(obj.Path, "give exactly one of color or image");
            }

            return new BackgroundSpec(color, image);
        }

        private VoiceSettingsSpec? ReadVoiceSettings(ObjectReader parent)
        {
            var element = parent.Object("voice_settings");
            if (element is null)
            {
                return null;
            }

            var obj = new ObjectReader(this, element.Value, parent.PathOf("voice_settings"), VoiceSettingsFields);
            return new VoiceSettingsSpec(
                obj.Number("speed", 0.5, 1.5),
                obj.Number("pitch", -50, 50),
                obj.Number("volume", 0, 1),
                obj.Id("locale"));
        }

        private VideoAgentJob? ReadVideoAgent(JsonElement element)
        {
            var obj = new ObjectReader(this, element, "video_agent", VideoAgentFields);
            var before = Errors.Count;
            var prompt = obj.OptionalString("prompt", required: true);
            if (prompt is not null)
            {
                if (string.IsNullOrWhiteSpace(prompt))
                {
                    Error(obj.PathOf("prompt"), "must not be empty");
                }
                else if (prompt.Length > MaxPromptCharacters)
                {
                    Error(obj.PathOf("prompt"), string.Create(CultureInfo.InvariantCulture, $"{prompt.Length:N0} characters, limit {MaxPromptCharacters:N0}"));
                }
            }

            var files = new List<AssetReference>();
            if (obj.Array("files") is { } array)
            {
                if (array.GetArrayLength() > MaxAgentFiles)
                {
                    Error(obj.PathOf("files"), string.Create(CultureInfo.InvariantCulture, $"{array.GetArrayLength()} files, limit {MaxAgentFiles}"));
                }

                var i = 0;
                foreach (var item in array.EnumerateArray())
                {
                    if (ReadAssetElement(item, $"{obj.PathOf("files")}[{i}]") is { } asset)
                    {
                        files.Add(asset);
                    }

                    i++;
                }
            }

            var job = new VideoAgentJob
            {
                Prompt = prompt ?? string.Empty,
                Files = files,
                StyleId = obj.Id("style_id"),
                Orientation = obj.Enum("orientation", Orientations),
                AvatarId = obj.Id("avatar_id"),
                VoiceId = obj.Id("voice_id"),
            };
            return Errors.Count > before ? null : job;
        }

        private VideoTranslationJob? ReadTranslation(JsonElement element)
        {
            var obj = new ObjectReader(this, element, "translation", TranslationFields);
            var before = Errors.Count;
            var video = ReadAsset(obj, "video", required: true);
            var languages = new List<string>();
            if (obj.Array("output_languages", required: true) is { } array)
            {
                if (array.GetArrayLength() == 0)
                {
                    Error(obj.PathOf("output_languages"), "must list at least one language");
                }

                var i = 0;
                foreach (var item in array.EnumerateArray())
                {
                    var path = $"{obj.PathOf("output_languages")}[{i++}]";
                    if (item.ValueKind != JsonValueKind.String)
                    {
                        Error(path, $"must be a string (got {Describe(item.ValueKind)})");
                    }
                    else if (string.IsNullOrWhiteSpace(item.GetString()))
                    {
                        Error(path, "must not be empty");
                    }
                    else if (languages.Contains(item.GetString()!, StringComparer.OrdinalIgnoreCase))
                    {
                        Error(path, $"'{Clip(item.GetString()!)}' is listed twice");
                    }
                    else
                    {
                        languages.Add(item.GetString()!);
                    }
                }
            }

            var job = video is null
                ? null
                : new VideoTranslationJob
                {
                    Video = video,
                    OutputLanguages = languages,
                    InputLanguage = obj.Id("input_language"),
                    Mode = obj.Enum("mode", Modes) ?? "speed",
                    Captions = obj.Bool("captions") ?? false,
                };
            return Errors.Count > before ? null : job;
        }

        private LipsyncJob? ReadLipsync(JsonElement element)
        {
            var obj = new ObjectReader(this, element, "lipsync", LipsyncFields);
            var before = Errors.Count;
            var video = ReadAsset(obj, "video", required: true);
            var audio = ReadAsset(obj, "audio", required: true);
            var mode = obj.Enum("mode", Modes) ?? "speed";
            var captions = obj.Bool("captions") ?? false;
            return video is null || audio is null || Errors.Count > before
                ? null
                : new LipsyncJob { Video = video, Audio = audio, Mode = mode, Captions = captions };
        }

        private AssetReference? ReadAsset(ObjectReader parent, string name, bool required)
        {
            if (!parent.Has(name))
            {
                if (required)
                {
                    Error(parent.PathOf(name), "required");
                }

                return null;
            }

            return ReadAssetElement(parent.Get(name), parent.PathOf(name));
        }

        private AssetReference? ReadAssetElement(JsonElement element, string path)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                Error(path, $"must be an asset object {{\"blob\": \"name\"}} or {{\"url\": \"https://...\"}} (got {Describe(element.ValueKind)})");
                return null;
            }

            var before = Errors.Count;
            var obj = new ObjectReader(this, element, path, AssetFields);
            var blob = obj.OptionalString("blob");
            var container = obj.OptionalString("container");
            var url = obj.OptionalString("url");
            if (obj.Has("blob") == obj.Has("url"))
            {
                Error(path, "give exactly one of blob or url");
            }

            if (obj.Has("container") && obj.Has("url"))
            {
                Error(obj.PathOf("container"), "only allowed with blob");
            }

            if (blob is not null && ValidateBlobName(blob) is { } blobProblem)
            {
                Error(obj.PathOf("blob"), blobProblem);
            }

            if (container is not null && !ContainerNamePattern().IsMatch(container))
            {
                Error(obj.PathOf("container"), $"'{Clip(container)}' is not a valid container name (3-63 lowercase letters, digits and single hyphens)");
            }

            Uri? uri = null;
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out uri) || uri.Scheme != Uri.UriSchemeHttps))
            {
                Error(obj.PathOf("url"), $"must be an absolute https URL (got '{Clip(url)}')");
            }

            if (Errors.Count > before)
            {
                return null;
            }

            return blob is not null
                ? AssetReference.ForBlob(container ?? defaults.AssetContainer, blob)
                : AssetReference.ForUrl(uri!);
        }

        private OutputSpec? ReadOutput(JsonElement? element)
        {
            if (element is null)
            {
                return new OutputSpec(defaults.OutputContainer, null);
            }

            var before = Errors.Count;
            var obj = new ObjectReader(this, element.Value, "output", OutputFields);
            var container = obj.OptionalString("container");
            var prefix = obj.OptionalString("prefix");
            if (container is not null && !ContainerNamePattern().IsMatch(container))
            {
                Error("output.container", $"'{Clip(container)}' is not a valid container name (3-63 lowercase letters, digits and single hyphens)");
            }

            if (prefix is not null)
            {
                if (prefix.StartsWith('/') || prefix.EndsWith('/'))
                {
                    Error("output.prefix", "must not start or end with '/'");
                }
                else if (ValidateBlobName(prefix + "/x") is { } problem)
                {
                    Error("output.prefix", problem);
                }
            }

            return Errors.Count > before ? null : new OutputSpec(container ?? defaults.OutputContainer, prefix);
        }

        private WaitSpec? ReadWait(JsonElement? element, string? kind)
        {
            if (element is null)
            {
                return WaitSpec.Default;
            }

            var before = Errors.Count;
            var obj = new ObjectReader(this, element.Value, "wait", WaitFields);
            var mode = obj.Enum("mode", WaitModes) switch
            {
                "webhook" => WaitMode.Webhook,
                "poll" => WaitMode.Poll,
                _ => WaitMode.Auto,
            };
            if (mode == WaitMode.Webhook && kind == "lipsync")
            {
                Error("wait.mode", "'webhook' is not possible for a lipsync (HeyGen sends no lipsync webhook); use 'poll' or 'auto'");
            }

            var minutes = obj.OptionalInt("timeout_minutes");
            if (minutes is < 1 or > MaxTimeoutMinutes)
            {
                Error("wait.timeout_minutes", string.Create(CultureInfo.InvariantCulture, $"must be between 1 and {MaxTimeoutMinutes} (got {minutes})"));
            }

            return Errors.Count > before
                ? null
                : new WaitSpec(mode, minutes is { } m ? TimeSpan.FromMinutes(m) : WaitSpec.DefaultTimeout);
        }
    }

    /// <summary>Why <paramref name="name"/> cannot be a blob name in this pipeline, or null when it can.</summary>
    internal static string? ValidateBlobName(string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "must not be empty or blank";
        }

        if (name.Length > 1024)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{name.Length:N0} characters, limit 1,024");
        }

        if (name.Any(char.IsControl) || name.Contains('\\', StringComparison.Ordinal))
        {
            return "must not contain control characters or '\\'";
        }

        if (name.StartsWith('/') || name.EndsWith('/') || name.EndsWith('.'))
        {
            return "must not start with '/' or end with '/' or '.'";
        }

        if (name.Split('/').Any(s => s is "" or "." or ".."))
        {
            return "must not contain empty, '.' or '..' path segments";
        }

        return null;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    // At most 60 characters, never cutting a surrogate pair in two.
    private static string Clip(string value) =>
        value.Length <= 60 ? value : value[..(char.IsHighSurrogate(value[56]) ? 56 : 57)] + "...";

    /// <summary>Reads one JSON object, reporting unknown fields (with a near-miss hint) and typed problems by path.</summary>
    private sealed class ObjectReader
    {
        private readonly SpecReader _owner;
        private readonly JsonElement _element;

        public ObjectReader(SpecReader owner, JsonElement element, string path, string[] known)
        {
            _owner = owner;
            _element = element;
            Path = path.Length == 0 ? "$" : path;
            _prefix = path.Length == 0 ? string.Empty : path + ".";
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    _owner.Error(MemberPath(property.Name), "appears more than once");
                }
                else if (!known.Contains(property.Name, StringComparer.Ordinal))
                {
                    var hint = known.FirstOrDefault(k => EditDistance(k, property.Name) <= 2)
                        ?? known.FirstOrDefault(k => k.StartsWith(property.Name + "_", StringComparison.Ordinal));
                    _owner.Error(MemberPath(property.Name), hint is null ? "unknown field" : $"unknown field (did you mean '{hint}'?)");
                }
            }
        }

        private readonly string _prefix;

        public string Path { get; }

        public string PathOf(string name) => _prefix + name;

        // A name from the document: as is when it looks like a field name, else quoted and clipped (it may be empty,
        // huge, or hold dots and control characters), so the error always names a readable path.
        private string MemberPath(string name) =>
            name.Length is > 0 and <= 64 && name.All(c => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '$' or '-')
                ? _prefix + name
                : $"{Path}[{JsonSerializer.Serialize(Clip(name))}]";

        public bool Has(string name) => _element.TryGetProperty(name, out _);

        public JsonElement Get(string name) => _element.GetProperty(name);

        private bool TryGet(string name, bool required, JsonValueKind expected, string expectedText, out JsonElement value)
        {
            if (!_element.TryGetProperty(name, out value))
            {
                if (required)
                {
                    _owner.Error(PathOf(name), "required");
                }

                return false;
            }

            var kind = value.ValueKind is JsonValueKind.False ? JsonValueKind.True : value.ValueKind;
            if (kind != expected)
            {
                _owner.Error(PathOf(name), $"must be {expectedText} (got {Describe(value.ValueKind)})");
                return false;
            }

            return true;
        }

        public string? OptionalString(string name, bool required = false, int? maxLength = null)
        {
            if (!TryGet(name, required, JsonValueKind.String, "a string", out var value))
            {
                return null;
            }

            var text = value.GetString()!;
            if (maxLength is { } max && text.Length > max)
            {
                _owner.Error(PathOf(name), string.Create(CultureInfo.InvariantCulture, $"{text.Length:N0} characters, limit {max:N0}"));
            }

            return text;
        }

        /// <summary>An identifier: a non-blank string without surrounding spaces.</summary>
        public string? Id(string name, bool required = false)
        {
            var text = OptionalString(name, required, maxLength: 256);
            if (text is not null && (text.Length == 0 || text.Trim().Length != text.Length))
            {
                _owner.Error(PathOf(name), "must not be empty or have leading or trailing spaces");
                return null;
            }

            return text;
        }

        public string? Enum(string name, string[] allowed, bool required = false)
        {
            var text = OptionalString(name, required);
            if (text is not null && !allowed.Contains(text, StringComparer.Ordinal))
            {
                _owner.Error(PathOf(name), $"must be one of {string.Join(", ", allowed)} (got '{Clip(text)}')");
                return null;
            }

            return text;
        }

        public int? OptionalInt(string name, bool required = false)
        {
            if (!TryGet(name, required, JsonValueKind.Number, "an integer", out var value))
            {
                return null;
            }

            if (!value.TryGetInt32(out var number))
            {
                _owner.Error(PathOf(name), $"must be an integer (got {value.GetRawText()})");
                return null;
            }

            return number;
        }

        public double? Number(string name, double min, double max)
        {
            if (!TryGet(name, false, JsonValueKind.Number, "a number", out var value))
            {
                return null;
            }

            var number = value.GetDouble();
            if (number < min || number > max)
            {
                _owner.Error(PathOf(name), string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max} (got {number})"));
                return null;
            }

            return number;
        }

        public bool? Bool(string name) =>
            TryGet(name, false, JsonValueKind.True, "true or false", out var value) ? value.GetBoolean() : null;

        public JsonElement? Object(string name, bool required = false) =>
            TryGet(name, required, JsonValueKind.Object, "an object", out var value) ? value : null;

        public JsonElement? Array(string name, bool required = false) =>
            TryGet(name, required, JsonValueKind.Array, "an array", out var value) ? value : null;

        private static int EditDistance(string a, string b)
        {
            if (Math.Abs(a.Length - b.Length) > 2)
            {
                return 3;
            }

            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (var j = 0; j <= b.Length; j++)
            {
                previous[j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                    current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                }

                (previous, current) = (current, previous);
            }

            return previous[b.Length];
        }
    }
}

/// <summary>The outcome of parsing a job spec: the spec, or every problem found.</summary>
/// <param name="Spec">The spec when valid.</param>
/// <param name="Errors">Every problem; empty when valid.</param>
public sealed record JobSpecParseResult(RenderJobSpec? Spec, IReadOnlyList<JobSpecError> Errors)
{
    /// <summary>True when the spec is valid.</summary>
    public bool IsValid => Spec is not null;
}
