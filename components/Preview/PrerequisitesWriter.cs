using Infra.Core;

namespace Infra.Preview;

/// <summary>
/// Prints what the stack's first deployment needs beyond its own resources, as its components declared it
/// (<see cref="Stack.Prerequisites"/>): first what the stack sees to itself, then what the account must already have,
/// then what the deploying machine needs.
/// </summary>
public static class PrerequisitesWriter
{
    public static void Write(Stack stack, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine($"Before the first deploy into a fresh account: {stack.Prerequisites.Count} prerequisite(s)");
        foreach (var prerequisite in stack.Prerequisites.OrderBy(p => p.Owner))
        {
            writer.WriteLine($"  {Heading(prerequisite.Owner)}: {prerequisite.Subject} (needed by {string.Join(", ", prerequisite.NeededBy)})");
            writer.WriteLine($"    {prerequisite.Detail}");
        }
    }

    private static string Heading(PrerequisiteOwner owner) => owner switch
    {
        PrerequisiteOwner.ThisStack => "managed by this stack",
        PrerequisiteOwner.Account => "expected in the account",
        _ => "needed where `pulumi up` runs",
    };
}
