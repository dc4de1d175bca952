using AwsSemantics.Tests.Catalog;
using AwsSemantics.Tests.Deployment;
using Infra.Testing.Access.Evaluation;

namespace AwsSemantics.Tests.Limits;

/// <summary>One resource's physical name as deployed, and whether the program fixes it (autonamed ones differ per stack by their suffix).</summary>
public sealed record DeployedName(string Stack, string Resource, string Type, string Name, bool Fixed);

/// <summary>
/// Every resource's physical name as deployed (the program's name, or Pulumi's autoname: the logical name, '-' and
/// 7 random characters; Pulumi appends, it never shortens, and fails where the provider declares a smaller
/// maximum) against <see cref="NameRules"/>, and the fixed names of several stacks against each other.
/// </summary>
public static class NameCheck
{
    /// <summary>Pulumi's <c>namePrefix</c> gets 26 characters appended (a timestamp and a counter).</summary>
    public const int PrefixSuffixLength = 26;

    public static IReadOnlyList<DeployedName> Names(DeployedStack stack) =>
        [.. stack.Program.Resources
            .Select(r => (Resource: r, Rule: NameRules.For(r.Type)))
            .Where(x => x.Rule is not null)
            .Select(x => new DeployedName(
                stack.Name,
                x.Resource.Name,
                x.Resource.Type,
                ProgramEvaluator.Text(stack.Outputs.Outputs(x.Resource.Name)[x.Rule!.Property], $"{x.Resource.Name}.{x.Rule.Property}", x.Resource.Mark),
                stack.Outputs.Inputs(x.Resource.Name)[x.Rule.Property] is not null))];

    public static IReadOnlyList<CatalogFinding> Check(DeployedStack stack)
    {
        var findings = new List<CatalogFinding>();
        foreach (var name in Names(stack))
        {
            var rule = NameRules.For(name.Type)!;
            findings.AddRange(rule.Problems(name.Name).Select(p =>
                new CatalogFinding($"{stack.Name}: {name.Resource} ({name.Type})", $"{rule.Property} '{name.Name}': {p} ({rule.Source})")));
            if (stack.Outputs.Inputs(name.Resource)[rule.Property + "Prefix"] is { } prefix && prefix.ToString().Length > rule.MaxLength - PrefixSuffixLength)
            {
                findings.Add(new CatalogFinding($"{stack.Name}: {name.Resource} ({name.Type})",
                    $"{rule.Property}Prefix '{prefix}' is over {rule.MaxLength - PrefixSuffixLength} characters: Pulumi appends {PrefixSuffixLength} to it ({rule.Source})"));
            }
        }

        return findings;
    }

    /// <summary>Fixed names that two resources (of one stack, or of stacks sharing an account) would both claim.</summary>
    public static IReadOnlyList<CatalogFinding> Collisions(IEnumerable<DeployedStack> stacks) =>
        [.. stacks.SelectMany(Names)
            .Where(n => n.Fixed && NameRules.For(n.Type)!.Unique)
            .GroupBy(n => (n.Type, n.Name))
            .Where(g => g.Count() > 1)
            .Select(g => new CatalogFinding(g.Key.Type, $"'{g.Key.Name}' is the fixed name of {string.Join(" and ", g.Select(n => $"{n.Resource} in {n.Stack}"))}"))];
}
