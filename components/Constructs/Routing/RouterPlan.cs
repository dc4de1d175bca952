using Inference.Contracts;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// The router's args, validated and resolved: where each model runs (its placement), each function's memory, and the
/// shared function's ENSEMBLES and ROUTER variables. Every problem is reported at once, naming the component and the key.
/// </summary>
internal sealed record RouterPlan(
    IReadOnlyList<RoutedModel> Shared,
    IReadOnlyList<RoutedModel> Dedicated,
    DataSize SharedMemory,
    IReadOnlyDictionary<string, string> SharedVariables,
    IReadOnlySet<string> Ensembles,
    string RouterName,
    bool HasRules)
{
    private IReadOnlyDictionary<string, EnsembleArgs> EnsembleArgs { get; init; } = new Dictionary<string, EnsembleArgs>();

    private IReadOnlyDictionary<string, RoutedModel> ModelArgs { get; init; } = new Dictionary<string, RoutedModel>();

    public DataSize MemoryOf(RoutedModel model) => model.Memory ?? DataSize.FromMebibytes(ModelMemorySizing.For([model.Size.Mebibytes]));

    /// <summary>An ensemble takes images when all its members do.</summary>
    public bool TakesImages(EnsembleArgs ensemble) => ensemble.Members.All(m => ModelArgs.TryGetValue(m.Model, out var model) && model.Images);

    public static RouterPlan Validate(string path, ModelRouterApiArgs args)
    {
        var check = new ArgsValidation(path);
        var models = args.Models;
        check.Check(models.Count > 0, nameof(args.Models), "an empty list", "at least one model");
        for (var i = 0; i < models.Count; i++)
        {
            var model = models[i];
            var key = $"{nameof(args.Models)}[{i}]";
            check.Check(ModelConfigLoader.IsValidName(model.Name), $"{key}.Name", model.Name, ModelConfigLoader.NameRules)
                .Check(model.Version.Length > 0, $"{key}.Version", model.Version, "the model's version (a metric dimension)")
                .Check(model.Size > DataSize.Zero && model.Size <= DataSize.FromMebibytes(10_240), $"{key}.Size", model.Size, "the ONNX file's size, above 0 and at most 10,240 MiB")
                .Check(Enum.IsDefined(model.Placement), $"{key}.Placement", model.Placement, "one of " + string.Join(", ", Enum.GetNames<ModelPlacement>()))
                .Check(model.Memory is null || IsLambdaMemory(model.Memory.Value), $"{key}.Memory", model.Memory, "null (derived from Size) or a whole number of MiB from 128 to 10,240")
                .Check(model.Memory is null || model.Placement == ModelPlacement.Dedicated, $"{key}.Memory", model.Memory,
                    "null unless Placement is Dedicated: a shared model runs in the shared function, sized by SharedMemory or its models");
        }

        var modelNames = models.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var duplicate in models.GroupBy(m => m.Name).Where(g => g.Count() > 1))
        {
            check.Check(false, $"{nameof(args.Models)}.Name", duplicate.Key, "model names that are unique");
        }

        // Ensemble members and rule targets run in the shared function (in-process, in parallel, or chosen by a rule there).
        var needShared = args.Ensembles.SelectMany(e => e.Members.Select(m => m.Model))
            .Concat(args.Rules.Select(r => r.Target)).Append(args.DefaultTarget ?? "")
            .Where(modelNames.Contains).ToHashSet(StringComparer.Ordinal);
        var shared = models.Where(m => m.Placement == ModelPlacement.Shared
            || (m.Placement == ModelPlacement.Auto && (m.Size.Mebibytes < ModelMemorySizing.ComputeBoundModelMb || needShared.Contains(m.Name)))).ToList();
        var dedicated = models.Except(shared).ToList();
        foreach (var model in dedicated.Where(m => needShared.Contains(m.Name)))
        {
            check.Check(false, $"{nameof(args.Models)}[{IndexOf(models, model)}].Placement", model.Placement,
                $"Shared or Auto: '{model.Name}' is an ensemble member or a rule's target, which run in the shared function (API Gateway cannot route on headers or bodies, and members run in one process)");
        }

        var ensembleNames = ValidateEnsembles(check, args, shared.Select(m => m.Name).ToHashSet(StringComparer.Ordinal), modelNames, models);
        var targets = shared.Select(m => m.Name).Concat(ensembleNames).ToHashSet(StringComparer.Ordinal);
        ValidateRules(check, args, targets, modelNames.Concat(ensembleNames).ToHashSet(StringComparer.Ordinal));
        check.Check(args.SharedMemory is null || IsLambdaMemory(args.SharedMemory.Value), nameof(args.SharedMemory), args.SharedMemory,
                "null (derived from the shared models' sizes) or a whole number of MiB from 128 to 10,240")
            .Check(args.SharedMemory is null || shared.Count > 0, nameof(args.SharedMemory), args.SharedMemory, "null when no model is shared (there is no shared function)")
            .Check(args.Function.Memory == new InferenceFunctionArgs().Memory, "Function.Memory", args.Function.Memory,
                "unset: the router sizes each function (RoutedModel.Memory for a dedicated model, SharedMemory for the shared function)")
            .Check(args.Function.ModelName is null, "Function.ModelName", args.Function.ModelName, "unset: the router sets each function's models")
            .Check(args.Function.ModelBucket is null && args.Function.ImageUri is null, "Function.ModelBucket", args.Function.ModelBucket?.Path ?? "an image",
                "unset: the router's functions serve the models bundled with their Code")
            .Check(args.Function.Timeout <= TimeSpan.FromSeconds(29), "Function.Timeout", args.Function.Timeout, "at most 29 seconds: API Gateway ends a REST integration after 29 s")
            .Check(args.Api is not RestApiEndpointArgs, "Api.Target", "a target", "unset: the router routes each model to its own function")
            .Check(ReferenceEquals(args.Api.Routes, ApiRoute.Inference), "Api.Routes", $"{args.Api.Routes.Count} route(s)", "unset: the router makes each model's routes");

        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (RouterFunctionSettings.Ensembles(args.Ensembles) is { } ensemblesJson)
        {
            variables[FunctionEnvironment.Ensembles] = ensemblesJson;
        }

        var hasRules = args.Rules.Count > 0 || args.DefaultTarget is not null;
        if (RouterFunctionSettings.Router(args.RouterName, args.Rules, args.DefaultTarget) is { } routerJson)
        {
            variables[FunctionEnvironment.Router] = routerJson;
        }

        var literalSize = RouterFunctionSettings.Size(variables.Append(KeyValuePair.Create(FunctionEnvironment.ModelName, string.Join(",", shared.Select(m => m.Name)))));
        check.Check(literalSize <= RouterFunctionSettings.EnvironmentLimitBytes - 1024, nameof(args.Ensembles), $"{literalSize} bytes of ENSEMBLES, ROUTER and MODEL_NAME",
            $"at most {RouterFunctionSettings.EnvironmentLimitBytes - 1024} bytes: Lambda allows 4 KB of variables per function (1 KB is kept for the others); use fewer or shorter names")
            .ThrowIfInvalid();

        return new RouterPlan(shared, dedicated, args.SharedMemory ?? DataSize.FromMebibytes(ModelMemorySizing.For([.. shared.Select(m => m.Size.Mebibytes)])), variables,
            ensembleNames, args.RouterName, hasRules)
        {
            EnsembleArgs = args.Ensembles.ToDictionary(e => e.Name, StringComparer.Ordinal),
            ModelArgs = models.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal),
        };
    }

    private static HashSet<string> ValidateEnsembles(ArgsValidation check, ModelRouterApiArgs args, HashSet<string> shared, HashSet<string> modelNames,
        IReadOnlyList<RoutedModel> models)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Ensembles.Count; i++)
        {
            var ensemble = args.Ensembles[i];
            var key = $"{nameof(args.Ensembles)}[{i}]";
            check.Check(ModelConfigLoader.IsValidName(ensemble.Name), $"{key}.Name", ensemble.Name, ModelConfigLoader.NameRules)
                .Check(!modelNames.Contains(ensemble.Name) && names.Add(ensemble.Name), $"{key}.Name", ensemble.Name, "a name no model and no other ensemble has")
                .Check(Enum.IsDefined(ensemble.Combine), $"{key}.Combine", ensemble.Combine, "Vote or Average")
                .Check(ensemble.Members.Count >= 2, $"{key}.Members", $"{ensemble.Members.Count} member(s)", "at least 2 members")
                .Check(ensemble.Members.Select(m => m.Model).Distinct().Count() == ensemble.Members.Count, $"{key}.Members", string.Join(", ", ensemble.Members.Select(m => m.Model)),
                    "each model once (give it one entry with the combined weight)");
            for (var j = 0; j < ensemble.Members.Count; j++)
            {
                var member = ensemble.Members[j];
                var at = $"{key}.Members[{j}]";
                check.Check(modelNames.Contains(member.Model), $"{at}.Model", member.Model, "one of Models: " + string.Join(", ", modelNames))
                    .Check(!modelNames.Contains(member.Model) || shared.Contains(member.Model), $"{at}.Model", member.Model, "a shared model: members run in the shared function")
                    .Check(double.IsFinite(member.Weight) && member.Weight is > 0 and <= 1000, $"{at}.Weight", member.Weight, "a number above 0, at most 1000")
                    .Duration($"{at}.Timeout", member.Timeout, TimeUnit.Milliseconds, 1, 29_000);
            }
        }

        return names;
    }

    private static void ValidateRules(ArgsValidation check, ModelRouterApiArgs args, HashSet<string> targets, HashSet<string> taken)
    {
        var hasRules = args.Rules.Count > 0 || args.DefaultTarget is not null;
        check.Check(!hasRules || (ModelConfigLoader.IsValidName(args.RouterName) && !taken.Contains(args.RouterName)), nameof(args.RouterName), args.RouterName,
            $"a name no model and no ensemble has: {ModelConfigLoader.NameRules}");
        var allowed = "a shared model or an ensemble: " + (targets.Count == 0 ? "(none)" : string.Join(", ", targets.Order(StringComparer.Ordinal)));
        for (var i = 0; i < args.Rules.Count; i++)
        {
            var rule = args.Rules[i];
            var key = $"{nameof(args.Rules)}[{i}]";
            check.Check(targets.Contains(rule.Target), $"{key}.Target", rule.Target, allowed)
                .Check(Enum.IsDefined(rule.Match), $"{key}.Match", rule.Match, "ContentType, Header or Parameter");
            if (rule.Match == RequestMatch.ContentType)
            {
                var parts = rule.Key.Split('/');
                check.Check(parts.Length == 2 && parts[0].Length > 0 && parts[0] != "*" && parts[1].Length > 0 && !rule.Key.Contains(';', StringComparison.Ordinal),
                        $"{key}.Key", rule.Key, "a media type such as image/png, or type/* such as image/*")
                    .Check(rule.Value is null, $"{key}.Value", rule.Value, "null: a content-type rule matches by its Key");
            }
            else
            {
                check.Check(rule.Key.Length > 0 && !rule.Key.Any(char.IsWhiteSpace), $"{key}.Key", rule.Key, rule.Match == RequestMatch.Header ? "a header name" : "a parameter name")
                    .Check(!string.IsNullOrEmpty(rule.Value), $"{key}.Value", rule.Value, "the exact value that selects the target");
            }
        }

        check.Check(args.DefaultTarget is null || targets.Contains(args.DefaultTarget), nameof(args.DefaultTarget), args.DefaultTarget, "null or " + allowed);
    }

    private static int IndexOf(IReadOnlyList<RoutedModel> models, RoutedModel model) => models.ToList().IndexOf(model);

    private static bool IsLambdaMemory(DataSize memory) =>
        memory.IsWholeMebibytes && memory >= DataSize.FromMebibytes(128) && memory <= DataSize.FromMebibytes(10_240);
}
