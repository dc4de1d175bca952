using Infra.Policy;

namespace Infra.Testing;

/// <summary>
/// What <see cref="StackTemplate.Synthesize"/> runs a stack definition with: the stack name, its config and secrets
/// and the environment, as Pulumi hands them to the program during <c>pulumi up</c>.
/// </summary>
public sealed class StackTestOptions
{
    /// <summary>The stack's name, as <c>pulumi up --stack</c> gives it; <c>dev</c> unless set.</summary>
    public string StackName { get; init; } = "dev";

    /// <summary>
    /// The project's name, which qualifies config keys. Unset: the <c>name</c> of <see cref="ProjectDirectory"/>'s
    /// <c>Pulumi.yaml</c>, or <c>project</c> when there is none.
    /// </summary>
    public string? ProjectName { get; init; }

    /// <summary>
    /// Plain config values by key: <c>memoryMb</c> (the project's) or <c>aws:region</c> (another namespace). Strings,
    /// numbers and booleans are passed as their text; lists, arrays, dictionaries and anonymous objects as the JSON
    /// text Pulumi passes for structured config. The stack file (<c>Pulumi.&lt;stack&gt;.yaml</c>) is not read: under
    /// <c>pulumi up</c> the config comes from Pulumi, and so it does here.
    /// </summary>
    public IReadOnlyDictionary<string, object?> Config { get; init; } = new Dictionary<string, object?>();

    /// <summary>
    /// Secret config values by key, passed with the plain ones and marked secret as Pulumi marks them, so
    /// <c>GetSecret</c> and <c>RequireSecret</c> behave as under <c>pulumi up</c> (the program references the key;
    /// the value never appears in it).
    /// </summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The environment variables the stack definition sees (<see cref="Hosting.StackContext.Environment"/>). Only these:
    /// the test process's own environment is not passed, so a test gives the same program on every machine.
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The folder of the project's <c>Pulumi.yaml</c> (or one below it), when the stack reads files of the project: asset
    /// paths are written relative to its program folder (<c>main:</c>), and a container build hashes its context. Unset:
    /// an in-memory project whose program folder is its root, with no files.
    /// </summary>
    public string? ProjectDirectory { get; init; }

    /// <summary>
    /// The policy pack <c>synth</c> applies; when <see cref="EnforcePolicies"/> is true, an error finding fails the
    /// synthesis as it fails <c>pulumi up</c>. <see cref="PolicyPack.Default"/> unless set.
    /// </summary>
    public PolicyPack Policies { get; init; } = PolicyPack.Default;

    /// <summary>
    /// Whether a policy error stops the synthesis, as it stops <c>synth</c> (true, the default). Set it to false to
    /// synthesize a stack that violates a rule and assert the finding with <see cref="StackTemplate.Policies"/>.
    /// </summary>
    public bool EnforcePolicies { get; init; } = true;
}
