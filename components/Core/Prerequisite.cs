namespace Infra.Core;

/// <summary>Who sees to a prerequisite before the stack's first deployment.</summary>
public enum PrerequisiteOwner
{
    /// <summary>The stack itself creates or sets it on its first <c>pulumi up</c>.</summary>
    ThisStack,

    /// <summary>The account must already have it (set by a person or another stack): the stack only relies on it.</summary>
    Account,

    /// <summary>The machine that runs <c>pulumi up</c> must have it.</summary>
    DeployMachine,
}

/// <summary>
/// Something outside the stack's own resources that its first deployment needs: an account-wide setting, a billing
/// action, a tool on the deploying machine. Components declare them with <see cref="Stack.Require"/>; preview lists them.
/// </summary>
/// <param name="Id">Identifies the need across components: two declarations with one id are one prerequisite.</param>
/// <param name="Subject">What is needed, e.g. "API Gateway CloudWatch Logs role (account setting, per region)".</param>
/// <param name="Owner">Who meets it.</param>
/// <param name="Detail">How it is met, or how to meet it, and what fails without it.</param>
public sealed record Prerequisite(string Id, string Subject, PrerequisiteOwner Owner, string Detail)
{
    /// <summary>The components that declared it, in declaration order.</summary>
    public IReadOnlyList<string> NeededBy { get; init; } = [];
}
