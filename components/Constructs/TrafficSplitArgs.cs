using Inference.Contracts;

namespace Infra.Components;

/// <summary>
/// Several variants behind one API, split inside the function by weight (A/B tests, a migration off a legacy endpoint),
/// optionally sticky per client, with optional shadow traffic to a candidate. API Gateway cannot split by weight, and a
/// weighted Lambda alias can be neither sticky nor carry provisioned concurrency, so the function does it
/// (docs/rollout.md). It becomes the function's <c>TRAFFIC_SPLIT</c> variable.
/// </summary>
public sealed record TrafficSplitArgs
{
    /// <summary>The variants, in order (the order matters for sticky clients: see docs/rollout.md); the weights add up to 100.</summary>
    public required IReadOnlyList<ModelVariantArgs> Variants { get; init; }

    /// <summary>A header whose value keeps a client on one variant, e.g. <c>x-api-key</c>; null assigns each request at random.</summary>
    public string? StickyHeader { get; init; }

    /// <summary>Also send a share of requests to one variant after the client has its answer, and compare.</summary>
    public ShadowArgs? Shadow { get; init; }
}

/// <summary>
/// One variant. Without <see cref="ModelVersion"/>, <see cref="ModelDirectory"/> or <see cref="BackendUrl"/> it is the
/// function's own model (at most one variant is).
/// </summary>
public sealed record ModelVariantArgs
{
    /// <summary>The <c>X-Model-Variant</c> header and the <c>Variant</c> metric dimension.</summary>
    public required string Name { get; init; }

    /// <summary>Whole percent of the requests this variant answers, 0 to 100 (0: shadow only).</summary>
    public required int Weight { get; init; }

    /// <summary>Another registry version of the pattern's model; the function's role may read that version's folder too.</summary>
    public string? ModelVersion { get; init; }

    /// <summary>A model folder shipped with the function (a second bundled model): relative to the function's root, or absolute (e.g. in a container image).</summary>
    public string? ModelDirectory { get; init; }

    /// <summary>An existing HTTP model endpoint that serves the same paths: the request's <c>/v2/...</c> path is appended to it.</summary>
    public string? BackendUrl { get; init; }

    /// <summary>How long the backend may take before the client gets a 504, whole milliseconds up to the function's timeout.</summary>
    public TimeSpan BackendTimeout { get; init; } = TimeSpan.FromMilliseconds(TrafficSplitRules.DefaultBackendTimeoutMs);

    /// <summary>The version label of the backend's answers (headers, metrics).</summary>
    public string BackendVersion { get; init; } = TrafficSplitRules.DefaultBackendVersion;
}

/// <summary>A share of requests (0 to 100 percent) that also goes to <paramref name="Variant"/>, whose answers are only compared.</summary>
public sealed record ShadowArgs(string Variant, double Percent);

/// <summary>Validates a <see cref="TrafficSplitArgs"/> and turns it into the function's variable and read grants.</summary>
internal static class TrafficSplitSettings
{
    public static void Validate(ArgsValidation check, TrafficSplitArgs? split, InferenceFunctionArgs function, string modelVersion)
    {
        if (split is null)
        {
            return;
        }

        const string At = "TrafficSplit";
        var variants = split.Variants;
        var names = variants.Select(v => v.Name).ToArray();
        check.Check(variants.Count is >= 2 and <= TrafficSplitRules.MaxVariants, $"{At}.Variants", $"{variants.Count} variant(s)", $"2 to {TrafficSplitRules.MaxVariants} variants")
            .Check(variants.Sum(v => v.Weight) == TrafficSplitRules.TotalWeight, $"{At}.Variants[].Weight", string.Join(" + ", variants.Select(v => v.Weight)), "weights (whole percent) that add up to 100")
            .Check(names.Distinct().Count() == names.Length, $"{At}.Variants[].Name", string.Join(", ", names), "distinct names")
            .Check(variants.Count(v => SourceCount(v) == 0) <= 1, $"{At}.Variants", "several variants without ModelVersion, ModelDirectory or BackendUrl",
                "at most one variant that is the function's own model")
            .Check(variants.Any(v => v.BackendUrl is null), $"{At}.Variants", "only backends", "at least one variant that runs a model in the function")
            .Check(split.StickyHeader is null || TrafficSplitRules.IsHeaderName(split.StickyHeader), $"{At}.StickyHeader", split.StickyHeader, "an HTTP header name such as x-api-key");
        var versions = variants.Where(v => v.ModelVersion is not null).Select(v => v.ModelVersion!).ToArray();
        check.Check(versions.Distinct().Count() == versions.Length && !versions.Contains(modelVersion), $"{At}.Variants[].ModelVersion", string.Join(", ", versions),
            $"registry versions distinct from each other and from the pattern's ModelVersion '{modelVersion}'");
        for (var i = 0; i < variants.Count; i++)
        {
            var v = variants[i];
            var at = $"{At}.Variants[{i}]";
            check.Check(TrafficSplitRules.IsVariantName(v.Name), $"{at}.Name", v.Name, TrafficSplitRules.VariantNameRules)
                .Range($"{at}.Weight", v.Weight, 0, 100)
                .Check(SourceCount(v) <= 1, at, v.Name, "at most one of ModelVersion, ModelDirectory and BackendUrl")
                .Check(v.ModelVersion is null || SemanticVersion.IsValid(v.ModelVersion), $"{at}.ModelVersion", v.ModelVersion, SemanticVersion.Rules)
                .Check(v.ModelVersion is null || RegistryPin.FromRegistry(function), $"{at}.ModelVersion", v.ModelVersion,
                    "unset unless the function serves the model registry (Function.ModelBucket without ModelKey): a variant version comes from the same registry")
                .Check(v.ModelDirectory is null || IsFolder(v.ModelDirectory), $"{at}.ModelDirectory", v.ModelDirectory,
                    "a folder shipped with the function, relative to its root or absolute, without '..'")
                .Check(v.BackendUrl is null || IsSafeBackend(v.BackendUrl), $"{at}.BackendUrl", v.BackendUrl,
                    "an absolute https URL without credentials or query (http only for 127.0.0.1 or localhost, in local tests)")
                .Duration($"{at}.BackendTimeout", v.BackendTimeout, TimeUnit.Milliseconds, 1, (long)function.Timeout.TotalMilliseconds)
                .Check(TrafficSplitRules.IsVariantName(v.BackendVersion) || SemanticVersion.IsValid(v.BackendVersion), $"{at}.BackendVersion", v.BackendVersion,
                    "a short label such as legacy or 3.2.0");
        }

        if (split.Shadow is { } shadow)
        {
            check.Check(names.Contains(shadow.Variant), $"{At}.Shadow.Variant", shadow.Variant, "the name of one of the variants: " + string.Join(", ", names))
                .Check(shadow.Percent is >= 0 and <= 100, $"{At}.Shadow.Percent", shadow.Percent, "a share of requests from 0 to 100");
        }
    }

    /// <summary>The variable's JSON, as the function reads it (functions/Inference/Variants/TrafficSplit.cs).</summary>
    public static string Json(TrafficSplitArgs split) => new TrafficSplitConfig
    {
        Variants = [.. split.Variants.Select(v => new VariantConfig
        {
            Name = v.Name,
            Weight = v.Weight,
            ModelVersion = v.ModelVersion,
            ModelDirectory = v.ModelDirectory,
            Url = v.BackendUrl,
            TimeoutMs = v.BackendUrl is null ? null : (int)v.BackendTimeout.TotalMilliseconds,
            Version = v.BackendUrl is null ? null : v.BackendVersion,
        })],
        StickyHeader = split.StickyHeader,
        Shadow = split.Shadow is { } shadow ? new ShadowConfig { Variant = shadow.Variant, Percent = shadow.Percent } : null,
    }.ToJson();

    private static int SourceCount(ModelVariantArgs v) => new[] { v.ModelVersion, v.ModelDirectory, v.BackendUrl }.Count(s => s is not null);

    private static bool IsFolder(string folder) => folder.Trim().Length > 0 && !folder.Split('/', '\\').Contains("..");

    private static bool IsSafeBackend(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length == 0 && uri.Query.Length == 0
        && (uri.Scheme == "https" || (uri.Scheme == "http" && (uri.IsLoopback || uri.Host == "localhost")));
}
