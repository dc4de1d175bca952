using System.Text.RegularExpressions;
using Infra.Core.Synthesis;

namespace Infra.Testing;

/// <summary>
/// Masks what differs between machines in an otherwise identical program, so a snapshot is stable: the container
/// image tag (<c>src-</c> and a hash of the build context's files and their modes, which depend on the checkout).
/// Everything else a program holds is machine-independent: asset paths are relative to the program folder, names
/// come from the stack, and the test's environment is only what it passes.
/// </summary>
internal static partial class SnapshotNormalizer
{
    public const string MaskedImageTag = "src-(content hash)";

    public static OrderedMap Normalize(OrderedMap program)
    {
        var copy = new OrderedMap();
        foreach (var (key, value) in program)
        {
            copy.Add(key, key == "resources" && value is OrderedMap resources ? Resources(resources) : value);
        }

        return copy;
    }

    private static OrderedMap Resources(OrderedMap resources)
    {
        var copy = new OrderedMap();
        foreach (var (name, declaration) in resources)
        {
            copy.Add(name, declaration is OrderedMap map && IsImage(map) ? WithMaskedTag(map) : declaration);
        }

        return copy;
    }

    private static bool IsImage(OrderedMap declaration) =>
        declaration.Any(e => e.Key == "type" && e.Value as string == Awsx.Ecr.Image.PulumiType);

    private static OrderedMap WithMaskedTag(OrderedMap declaration)
    {
        var copy = new OrderedMap();
        foreach (var (key, value) in declaration)
        {
            if (key == "properties" && value is OrderedMap properties)
            {
                var masked = new OrderedMap();
                foreach (var (property, item) in properties)
                {
                    masked.Add(property, property == "imageTag" && item is string tag && SourceTag().IsMatch(tag) ? MaskedImageTag : item);
                }

                copy.Add(key, masked);
            }
            else
            {
                copy.Add(key, value);
            }
        }

        return copy;
    }

    [GeneratedRegex("^src-[0-9a-f]{16}$")]
    private static partial Regex SourceTag();
}
