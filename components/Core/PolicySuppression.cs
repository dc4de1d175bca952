namespace Infra.Core;

/// <summary>A rule that the stack's author turned off for one resource, with the written reason.</summary>
public sealed record PolicySuppression(string RuleId, string ResourceName, string Reason);
