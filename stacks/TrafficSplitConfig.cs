using Infra.Components;
using Infra.Configuration;
using Inference.Contracts;

namespace Stacks;

/// <summary>
/// The REST API's traffic split from the team stacks' config (docs/rollout.md): an A/B test of a second registry version,
/// a migration off a legacy endpoint in steps, and shadow traffic. Every key is read on every run, so a misspelt one is
/// reported; a bad value is a config problem and no program is emitted.
/// </summary>
internal static class TrafficSplitConfig
{
    public static TrafficSplitArgs? Read(StackConfig config, string? pinnedVersion)
    {
        var abVersion = Version(config, "abVersion", pinnedVersion);
        var abPercent = config.GetInt32("abPercent", 10, 0, 100);
        var stickyHeader = config.GetString("stickyHeader");
        var shadowVersion = Version(config, "shadowVersion", pinnedVersion);
        var shadowPercent = config.GetDouble("shadowPercent", 10, 0, 100);
        var legacyUrl = config.GetString("legacyUrl");
        var migratedPercent = config.GetInt32("migratedPercent", 0, 0, 100);
        if (legacyUrl is not null && abVersion is not null)
        {
            config.AddProblem("abVersion", abVersion, "unset while legacyUrl is set: finish the migration before an A/B test");
            return null;
        }

        List<ModelVariantArgs> variants = legacyUrl is not null
            ?
            [
                new ModelVariantArgs { Name = "legacy", Weight = 100 - migratedPercent, BackendUrl = legacyUrl },
                new ModelVariantArgs { Name = "serverless", Weight = migratedPercent },
            ]
            : abVersion is not null
                ? [new ModelVariantArgs { Name = "a", Weight = 100 - abPercent }, new ModelVariantArgs { Name = "b", Weight = abPercent, ModelVersion = abVersion }]
                : [];
        ShadowArgs? shadow = null;
        if (shadowVersion is not null)
        {
            if (variants.Count == 0)
            {
                variants.Add(new ModelVariantArgs { Name = "primary", Weight = 100 });
            }

            variants.Add(new ModelVariantArgs { Name = "shadow", Weight = 0, ModelVersion = shadowVersion });
            shadow = new ShadowArgs("shadow", shadowPercent);
        }
        else if (legacyUrl is not null && config.Has("shadowPercent"))
        {
            // The migration's validation phase: the function answers in the shadow of the legacy endpoint.
            shadow = new ShadowArgs("serverless", shadowPercent);
        }

        return variants.Count == 0 ? null : new TrafficSplitArgs { Variants = variants, StickyHeader = stickyHeader, Shadow = shadow };
    }

    private static string? Version(StackConfig config, string key, string? pinnedVersion)
    {
        var version = config.GetString(key);
        if (version is null)
        {
            return null;
        }

        if (!SemanticVersion.IsValid(version))
        {
            config.AddProblem(key, version, SemanticVersion.Rules);
            return null;
        }

        if (pinnedVersion is null)
        {
            config.AddProblem(key, version, "unset unless modelVersion pins a registry version: the variant comes from the same registry");
            return null;
        }

        if (version == pinnedVersion)
        {
            config.AddProblem(key, version, $"a version other than modelVersion ({pinnedVersion}), which the primary variant already serves");
            return null;
        }

        return version;
    }
}
