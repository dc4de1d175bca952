using System.Text.Json.Nodes;
using Infra.Testing.Programs;

namespace Infra.Testing.Access.Evaluation;

/// <summary>
/// The program as deployed: every resource's inputs evaluated to concrete values, and its outputs as AWS and the
/// Pulumi provider produce them (<see cref="ResourceOutputModel"/>). A reference to a resource, variable, config key
/// or property that does not exist fails with its place in the program; nothing defaults silently.
/// </summary>
public sealed class DeployedOutputs
{
    private readonly Dictionary<string, ResourceEntry> _resources;
    private readonly Dictionary<string, VariableEntry> _variables;
    private readonly Dictionary<string, ConfigEntry> _config;
    private readonly IReadOnlyDictionary<string, string> _configValues;
    private readonly Dictionary<string, JsonObject> _inputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _outputs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonNode?> _variableValues = new(StringComparer.Ordinal);
    private readonly HashSet<string> _evaluating = new(StringComparer.Ordinal);
    private readonly ProgramEvaluator _evaluator;
    private readonly ResourceOutputModel _model;

    public DeployedOutputs(ProgramDocument program, DeploymentTarget target, IReadOnlyDictionary<string, string> config)
    {
        Program = program;
        Target = target;
        _configValues = config;
        _resources = program.Resources.ToDictionary(r => r.Name, StringComparer.Ordinal);
        _variables = program.Variables.ToDictionary(v => v.Name, StringComparer.Ordinal);
        _config = program.Config.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _evaluator = new ProgramEvaluator(Resolve, target);
        _model = new ResourceOutputModel(target);
    }

    public ProgramDocument Program { get; }

    public DeploymentTarget Target { get; }

    public ResourceEntry Resource(string name) =>
        _resources.GetValueOrDefault(name) ?? throw new KeyNotFoundException($"the program has no resource '{name}'");

    /// <summary>The resource's properties as the provider receives them.</summary>
    public JsonObject Inputs(string name) => Cached(_inputs, name, () =>
    {
        var resource = Resource(name);
        return resource.Properties is null ? new JsonObject()
            : _evaluator.Evaluate(resource.Properties) as JsonObject
              ?? throw new EvaluationException($"the properties of '{name}' are not an object", resource.PropertiesMark);
    });

    /// <summary>The resource's state after deploy: its inputs and what AWS computed (names, ARNs, ids).</summary>
    public JsonObject Outputs(string name) => Cached(_outputs, name, () =>
    {
        var resource = Resource(name);
        var physicalName = resource.ResourceName is null ? name : ProgramEvaluator.Text(_evaluator.Evaluate(resource.ResourceName), $"the name of '{name}'", resource.Mark);
        return _model.Outputs(resource.Type, physicalName, Inputs(name), resource.Mark);
    });

    /// <summary>An output property; fails when the model does not know it.</summary>
    public string Output(string name, string property) =>
        ProgramEvaluator.Text(Outputs(name)[property] ?? throw new EvaluationException($"'{name}' ({Resource(name).Type}) has no output '{property}'", Resource(name).Mark),
            $"{name}.{property}", Resource(name).Mark);

    public JsonNode? Evaluate(Expr expression) => _evaluator.Evaluate(expression);

    private JsonNode? Resolve(PropertyAccess access, SourceMark mark)
    {
        var root = access.RootName;
        JsonNode? value;
        if (root == "pulumi" && access.Accessors.Count > 1)
        {
            value = new JsonObject { ["stack"] = Target.Stack, ["project"] = Target.Project, ["organization"] = "organization" };
        }
        else if (_resources.ContainsKey(root))
        {
            value = Outputs(root);
        }
        else if (_variables.TryGetValue(root, out var variable))
        {
            value = Cached(_variableValues, root, () => _evaluator.Evaluate(variable.Value));
        }
        else if (_config.ContainsKey(root) || _configValues.ContainsKey(root) || _configValues.ContainsKey($"{Target.Project}:{root}"))
        {
            value = ConfigValue(root, mark);
        }
        else
        {
            throw new EvaluationException($"${{{access}}} names no resource, variable or config key of the program", mark);
        }

        var path = root;
        foreach (var accessor in access.Accessors.Skip(1))
        {
            value = accessor switch
            {
                PropertyName property when value is JsonObject obj && obj.TryGetPropertyValue(property.Name, out var found) => found,
                PropertyKey key when value is JsonObject obj && obj.TryGetPropertyValue(key.Key, out var found) => found,
                PropertyIndex index when value is JsonArray list && index.Index < list.Count => list[index.Index],
                _ => throw new EvaluationException(
                    $"${{{access}}}: {path} has no {accessor switch { PropertyName p => "property '" + p.Name + "'", PropertyKey k => "key '" + k.Key + "'", PropertyIndex n => "item " + n.Index, _ => "part" }}"
                    + (_resources.TryGetValue(root, out var r) ? $" (a {r.Type}: model its output in ResourceOutputModel if AWS sets it)" : ""), mark),
            };
            path += accessor is PropertyIndex i ? $"[{i.Index}]" : "." + (accessor as PropertyName)?.Name;
        }

        return value;
    }

    private JsonNode ConfigValue(string key, SourceMark mark)
    {
        var text = _configValues.GetValueOrDefault($"{Target.Project}:{key}") ?? _configValues.GetValueOrDefault(key);
        if (text is null)
        {
            throw new EvaluationException($"config key '{key}' is read by the program but the stack sets no value for it", mark);
        }

        var type = _config.GetValueOrDefault(key)?.Type;
        return type is "number" ? JsonValue.Create(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture))
            : type is "boolean" ? JsonValue.Create(bool.Parse(text))
            : JsonValue.Create(text);
    }

    private TValue Cached<TValue>(Dictionary<string, TValue> cache, string key, Func<TValue> create)
    {
        if (cache.TryGetValue(key, out var value))
        {
            return value;
        }

        if (!_evaluating.Add(key + "@" + cache.GetHashCode()))
        {
            throw new InvalidOperationException($"'{key}' depends on itself");
        }

        try
        {
            return cache[key] = create();
        }
        finally
        {
            _evaluating.Remove(key + "@" + cache.GetHashCode());
        }
    }
}
