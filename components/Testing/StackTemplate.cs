using Infra.Configuration;
using Infra.Core;
using Infra.Core.Synthesis;
using Infra.Hosting;
using Infra.Preview;

namespace Infra.Testing;

/// <summary>
/// A synthesized program under test: the YAML program Pulumi would run, as a tree of maps and lists, with the stack it
/// came from. Make one with <see cref="Synthesize"/> (a whole stack definition, with config and secrets, through the
/// host's real path) or <see cref="FromStack"/> (a stack a test built directly), then assert on it; every failed
/// assertion throws a <see cref="StackAssertionException"/> naming the resource, the path and expected versus found.
/// </summary>
public sealed partial class StackTemplate
{
    private readonly Lazy<ProgramGraph> _graph;

    private StackTemplate(Stack stack, OrderedMap program, TrafficProfile? traffic = null)
    {
        Stack = stack;
        Program = program;
        Traffic = traffic ?? new TrafficProfile();
        _graph = new Lazy<ProgramGraph>(() => new ProgramGraph(stack));
        MatchContext = new MatchContext(program);
    }

    /// <summary>The stack the program was synthesized from.</summary>
    public Stack Stack { get; }

    /// <summary>The program as synthesis wrote it: <c>resources</c>, <c>outputs</c>, <c>config</c>, <c>variables</c>.</summary>
    public OrderedMap Program { get; }

    /// <summary>
    /// The traffic profile the cost estimate assumes by default: the one the stack's config sets (the <c>traffic*</c>
    /// keys) for <see cref="Synthesize"/>, the defaults of <see cref="TrafficProfile"/> for <see cref="FromStack"/>.
    /// </summary>
    public TrafficProfile Traffic { get; }

    internal ProgramGraph Graph => _graph.Value;

    internal MatchContext MatchContext { get; }

    /// <summary>
    /// Synthesizes a stack that a test built directly, e.g. one component in a new <see cref="Stack"/>. A stack the
    /// synthesizer rejects throws its <see cref="SynthesisException"/> unchanged, which is what a component test
    /// asserts on; the policy pack is not applied (see <see cref="Policies"/>).
    /// </summary>
    public static StackTemplate FromStack(Stack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return new StackTemplate(stack, ProgramSynthesizer.Synthesize(stack));
    }

    /// <summary>
    /// Runs a stack definition as <c>pulumi up</c> runs it and synthesizes its program, in memory: the stack name,
    /// project, config and secrets reach it through Pulumi's own variables (<c>PULUMI_STACK</c>, <c>PULUMI_PROJECT</c>,
    /// <c>PULUMI_CONFIG</c>, <c>PULUMI_CONFIG_SECRET_KEYS</c>) and the host's stack loader, so a test sees what a
    /// deployment sees. Bad config fails with the host's message, each problem naming the key; with
    /// <see cref="StackTestOptions.EnforcePolicies"/>, a policy error fails as it fails <c>synth</c>.
    /// </summary>
    public static StackTemplate Synthesize(StackDefinition definition, StackTestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        options ??= new StackTestOptions();
        var layout = options.ProjectDirectory is null
            ? InMemoryLayout(options.ProjectName ?? "project")
            : ProjectLayout.Find(options.ProjectDirectory);
        var project = options.ProjectName ?? layout.ProjectName;
        var loader = new StackLoader(definition, layout, PulumiEnvironment.For(project, options), options.StackName);
        LoadedStack loaded;
        try
        {
            // No stack is requested: the loader takes it from PULUMI_STACK and the config from PULUMI_CONFIG, as under `pulumi up`.
            loaded = loader.Load(null);
        }
        catch (ConfigException error)
        {
            throw new StackAssertionException(Problems($"stack '{options.StackName}': invalid config, no program was emitted", error.Problems), error);
        }
        catch (SynthesisException error)
        {
            throw new StackAssertionException(Problems($"stack '{options.StackName}': the program cannot be synthesized", error.Problems), error);
        }

        if (options.EnforcePolicies)
        {
            var gate = new StringWriter { NewLine = "\n" };
            if (!PolicyGate.Passes(Evaluate(loaded.Stack, options.Policies), gate))
            {
                throw new StackAssertionException($"stack '{options.StackName}': synth refuses it:\n{gate}".TrimEnd() +
                    "\n  (to assert on the findings instead, synthesize with EnforcePolicies = false and use template.Policies())");
            }
        }

        return new StackTemplate(loaded.Stack, loaded.Program, loaded.Traffic);
    }

    /// <summary>Follows map keys and list indexes from the program's root; see <see cref="ProgramValues.At"/>.</summary>
    public object? At(params object[] path) => ProgramValues.At(Program, path);

    /// <summary>Whether the program has a value at the path.</summary>
    public bool Has(params object[] path) => ProgramValues.Has(Program, path);

    /// <summary>The resource with this logical name, as the program declares it (type, properties, options).</summary>
    public OrderedMap Resource(string logicalName)
    {
        if (!ProgramValues.Has(Program, "resources", logicalName))
        {
            throw new StackAssertionException($"resource '{logicalName}': expected in the program, found none{Nearest(logicalName)}");
        }

        return (OrderedMap)ProgramValues.At(Program, "resources", logicalName)!;
    }

    /// <summary>A property of a resource, e.g. <c>Property("api-function", "environment", "variables")</c>.</summary>
    public object? Property(string logicalName, params object[] path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var properties = Resource(logicalName).FirstOrDefault(e => e.Key == "properties").Value;
        for (var depth = 0; depth < path.Length; depth++)
        {
            if (!ProgramValues.Has(properties, path[..(depth + 1)]))
            {
                throw new StackAssertionException(
                    $"resource '{logicalName}' ({TypeOf(logicalName)}) at properties.{ProgramValues.Describe(path[..(depth + 1)])}: " +
                    $"expected a value, found none (at properties{(depth == 0 ? "" : "." + ProgramValues.Describe(path[..depth]))}: {ProgramValues.Show(ProgramValues.At(properties, path[..depth]))})");
            }
        }

        return ProgramValues.At(properties, path);
    }

    /// <summary>The logical names of every resource in the program, in program order.</summary>
    public IReadOnlyList<string> ResourceNames =>
        Program.FirstOrDefault(e => e.Key == "resources").Value is OrderedMap resources ? resources.Select(e => e.Key).ToList() : [];

    /// <summary>The value of a stack output, as the program writes it; fails listing the outputs when there is none of that name.</summary>
    public object? Output(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!ProgramValues.Has(Program, "outputs", name))
        {
            var outputs = ProgramValues.Has(Program, "outputs") ? ((OrderedMap)ProgramValues.At(Program, "outputs")!).Select(e => e.Key).ToList() : [];
            throw new StackAssertionException($"output '{name}': expected in the program, found {(outputs.Count == 0 ? "no outputs" : "only " + string.Join(", ", outputs))}");
        }

        return ProgramValues.At(Program, "outputs", name);
    }

    /// <summary>Asserts that a stack output matches the pattern (exactly, with matchers inside): <c>HasOutput("url", Match.AnyValue())</c>.</summary>
    public StackTemplate HasOutput(string name, object? pattern)
    {
        var failures = Match.Of(pattern, partial: false).Run(Output(name), true, MatchContext);
        return failures.Count == 0
            ? this
            : throw new StackAssertionException(string.Join("\n", failures.Select(f => $"output '{name}' {f.Describe("outputs." + name)}")));
    }

    /// <summary>
    /// Runs the policy pack over the stack (<see cref="Policy.PolicyPack.Default"/> unless given), as <c>synth</c> and
    /// <c>preview</c> do, for assertions on its findings.
    /// </summary>
    public PolicyAssertion Policies(Policy.PolicyPack? pack = null)
    {
        pack ??= Policy.PolicyPack.Default;
        return new PolicyAssertion(Evaluate(Stack, pack), pack);
    }

    /// <summary>
    /// Estimates the monthly cost as <c>preview</c> does, at the given traffic profile or else <see cref="Traffic"/>, with
    /// no local measurements, for assertions on it.
    /// </summary>
    public CostAssertion Cost(TrafficProfile? profile = null)
    {
        profile ??= Traffic;
        return new CostAssertion(Stack.StackName, new CostEstimator(Graph, profile, Measurements.None).Estimate(), profile);
    }

    /// <summary>The program as the stable YAML that <c>synth</c> prints, with what differs between machines masked (see <see cref="MatchesSnapshot"/>).</summary>
    public string ToYaml() => YamlProgramWriter.Write(SnapshotNormalizer.Normalize(Program));

    internal static string Problems(string headline, IEnumerable<string> problems) =>
        headline + ":" + string.Concat(problems.Select(p => "\n  - " + p));

    internal static Policy.PolicyReport Evaluate(Stack stack, Policy.PolicyPack pack)
    {
        try
        {
            return pack.Evaluate(stack);
        }
        catch (SynthesisException error)
        {
            throw new StackAssertionException(Problems($"stack '{stack.StackName}': the policy pack cannot run", error.Problems), error);
        }
    }

    // A project with no files: its program folder is its root, so asset paths stay as the stack wrote them.
    private static ProjectLayout InMemoryLayout(string projectName)
    {
        var root = Path.Combine(Path.GetTempPath(), "infra-testing-in-memory-project");
        return new ProjectLayout(root, projectName, root);
    }

    private string TypeOf(string logicalName) => Resource(logicalName).FirstOrDefault(e => e.Key == "type").Value as string ?? "no type";

    private string Nearest(string logicalName)
    {
        var similar = ResourceNames.Where(n => n.Contains(logicalName, StringComparison.Ordinal) || logicalName.Contains(n, StringComparison.Ordinal)).Take(5).ToList();
        return similar.Count == 0 ? "" : $" (similar names: {string.Join(", ", similar)})";
    }
}
