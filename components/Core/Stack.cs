using System.Text.RegularExpressions;

namespace Infra.Core;

/// <summary>
/// The root scope: every resource, component, variable, config declaration and output of
/// one stack's program.
/// </summary>
public sealed partial class Stack : IScope
{
    /// <summary>
    /// Logical names are lower-case kebab case. Pulumi derives physical names from them (an S3
    /// bucket name must be lower case) and appends 8 characters, so 55 keeps every AWS name
    /// (63 for buckets, 64 for roles and functions) within its limit.
    /// </summary>
    public const int MaxNameLength = 55;

    private readonly List<Resource> _resources = [];
    private readonly Dictionary<string, Resource> _resourcesByName = new(StringComparer.Ordinal);
    private readonly List<ComponentResource> _components = [];
    private readonly Dictionary<string, Variable> _variables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ConfigSymbol> _configSymbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ProgramValue> _outputs = new(StringComparer.Ordinal);
    private readonly List<(Resource Resource, PolicySuppression Suppression)> _policySuppressions = [];
    private readonly List<Prerequisite> _prerequisites = [];

    public Stack(string projectName, string stackName, IReadOnlyDictionary<string, string>? tags = null)
    {
        ProjectName = projectName;
        StackName = stackName;
        var merged = new Dictionary<string, string>(StringComparer.Ordinal) { ["project"] = projectName, ["stack"] = stackName };
        foreach (var (key, value) in tags ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        Tags = merged;
    }

    public string ProjectName { get; }

    public string StackName { get; }

    Stack IScope.Stack => this;

    public string Path => "";

    public IReadOnlyDictionary<string, string> Tags { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    public IReadOnlyList<ComponentResource> Components => _components;

    public IReadOnlyCollection<Variable> Variables => _variables.Values;

    public IReadOnlyCollection<ConfigSymbol> ConfigSymbols => _configSymbols.Values;

    public IReadOnlyDictionary<string, ProgramValue> Outputs => _outputs;

    /// <summary>The policy rules turned off for single resources, with their reasons (see <see cref="SuppressPolicy"/>).</summary>
    public IReadOnlyList<(Resource Resource, PolicySuppression Suppression)> PolicySuppressions => _policySuppressions;

    /// <summary>What the first deployment needs beyond the stack's resources, as the components declared it (see <see cref="Require"/>).</summary>
    public IReadOnlyList<Prerequisite> Prerequisites => _prerequisites;

    public string QualifyName(string name) => name;

    /// <summary>
    /// Declares a prerequisite of the stack's first deployment on behalf of <paramref name="neededBy"/>. Declarations
    /// with the same id are merged: when any of them is met by this stack, the stack meets it for all.
    /// </summary>
    public void Require(IScope neededBy, Prerequisite prerequisite)
    {
        ArgumentNullException.ThrowIfNull(neededBy);
        ArgumentNullException.ThrowIfNull(prerequisite);
        var by = neededBy.Path.Length == 0 ? "stack" : neededBy.Path;
        var index = _prerequisites.FindIndex(p => p.Id == prerequisite.Id);
        if (index < 0)
        {
            _prerequisites.Add(prerequisite with { NeededBy = [by] });
            return;
        }

        var existing = _prerequisites[index];
        var winner = prerequisite.Owner == PrerequisiteOwner.ThisStack && existing.Owner != PrerequisiteOwner.ThisStack ? prerequisite : existing;
        _prerequisites[index] = winner with { NeededBy = existing.NeededBy.Contains(by) ? existing.NeededBy : [.. existing.NeededBy, by] };
    }

    /// <summary>
    /// Turns one policy rule off for one resource. The reason is required and is listed with the
    /// policy report; the rule id and the resource are checked when the policy pack runs.
    /// </summary>
    public void SuppressPolicy(Resource resource, string ruleId, string reason)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (string.IsNullOrWhiteSpace(ruleId))
        {
            throw new SynthesisException("stack", $"a policy suppression on '{resource.LogicalName}' has no rule id: name the rule it turns off, e.g. \"S3-TLS-ONLY\"");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new SynthesisException("stack", $"the suppression of policy rule '{ruleId}' on '{resource.LogicalName}' has an empty reason: write why the rule does not apply to this resource");
        }

        _policySuppressions.Add((resource, new PolicySuppression(ruleId, resource.LogicalName, reason.Trim())));
    }

    public IEnumerable<string> FormerNames(string name) => [];

    /// <summary>Whether a resource of this name is part of this stack's program.</summary>
    public bool Contains(Resource resource) =>
        _resourcesByName.TryGetValue(resource.LogicalName, out var registered) && ReferenceEquals(registered, resource);

    /// <summary>Adds a stack output; outputs of secret values should be wrapped with <see cref="Output.CreateSecret"/>.</summary>
    public void Export(string name, object? value)
    {
        if (!ValidOutputName().IsMatch(name))
        {
            throw new SynthesisException("stack", $"output name '{name}' is invalid: use letters, digits and '_', starting with a letter");
        }

        if (!_outputs.TryAdd(name, ValueLowering.Lower(value)))
        {
            throw new SynthesisException("stack", $"output '{name}' is exported twice");
        }
    }

    /// <summary>
    /// Registers a provider function call (<c>fn::invoke</c>) as a variable and returns its
    /// result. Calls with the same name and arguments share one variable.
    /// </summary>
    public Output<T> Invoke<T>(string variableName, string function, object? arguments = null, string? returnProperty = null)
    {
        var entries = new Dictionary<string, ProgramValue>(StringComparer.Ordinal)
        {
            ["function"] = new LiteralValue(function),
            ["arguments"] = ValueLowering.Lower(arguments ?? new Dictionary<string, object?>()),
        };
        if (returnProperty is not null)
        {
            entries["return"] = new LiteralValue(returnProperty);
        }

        var value = new FunctionValue("fn::invoke", new MapValue(entries));
        var variable = DeclareVariable(variableName, value);
        return new Output<T>(new ReferenceValue(variable, null));
    }

    /// <summary>Declares a variable; declaring the same name twice must give the same value.</summary>
    public Variable DeclareVariable(string name, ProgramValue value)
    {
        EnsureValidName("stack", name);
        if (_variables.TryGetValue(name, out var existing))
        {
            return existing.Value == value || ProgramValueComparer.Equal(existing.Value, value)
                ? existing
                : throw new SynthesisException("stack", $"variable '{name}' is declared twice with different values");
        }

        EnsureNameIsFree("stack", name);
        var variable = new Variable(name, value);
        _variables.Add(name, variable);
        return variable;
    }

    /// <summary>
    /// Declares a config key that the engine reads itself, so its value never appears in the
    /// program text. This is how Pulumi secrets reach resources.
    /// </summary>
    public Output<T> ConfigReference<T>(string key, string type, bool secret)
    {
        if (!_configSymbols.TryGetValue(key, out var symbol))
        {
            EnsureNameIsFree("config", key);
            symbol = new ConfigSymbol(key, type, secret);
            _configSymbols.Add(key, symbol);
        }

        return new Output<T>(new ReferenceValue(symbol, null));
    }

    internal void Register(Resource resource)
    {
        var owner = resource.Scope.Path.Length == 0 ? "stack" : resource.Scope.Path;
        EnsureValidName(owner, resource.LogicalName);
        if (_resourcesByName.TryGetValue(resource.LogicalName, out var existing))
        {
            throw new SynthesisException(owner,
                $"duplicate logical name '{resource.LogicalName}': {resource.TypeToken} clashes with {existing.TypeToken} created by {Describe(existing.Scope)}");
        }

        EnsureNameIsFree(owner, resource.LogicalName);
        _resources.Add(resource);
        _resourcesByName.Add(resource.LogicalName, resource);
    }

    internal void RegisterComponent(ComponentResource component)
    {
        if (_components.Any(c => c.Path == component.Path))
        {
            throw new SynthesisException(component.Path, $"duplicate component name '{component.Path}'");
        }

        _components.Add(component);
    }

    private static string Describe(IScope scope) => scope.Path.Length == 0 ? "the stack" : $"component '{scope.Path}'";

    private void EnsureNameIsFree(string owner, string name)
    {
        // Pulumi YAML resolves ${name} across resources, variables and config alike.
        if (_resourcesByName.ContainsKey(name) || _variables.ContainsKey(name) || _configSymbols.ContainsKey(name))
        {
            throw new SynthesisException(owner, $"duplicate logical name '{name}': it is already used by another resource, variable or config key");
        }
    }

    private static void EnsureValidName(string owner, string name)
    {
        if (name.Length > MaxNameLength || !ValidName().IsMatch(name))
        {
            throw new SynthesisException(owner,
                $"invalid logical name '{name}': use lower-case letters, digits and single hyphens, start with a letter, at most {MaxNameLength} characters");
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex ValidName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex ValidOutputName();
}
