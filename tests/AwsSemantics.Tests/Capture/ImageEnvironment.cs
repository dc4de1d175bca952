using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AwsSemantics.Tests.Access;
using Infra.Testing.Access;

namespace AwsSemantics.Tests.Capture;

/// <summary>
/// The environment a container image function starts with before Lambda adds the function's variables: the
/// <c>ENV</c> lines of the final stage of the Dockerfile the program's <c>awsx:ecr:Image</c> builds, with its
/// <c>ARG</c> defaults overridden by the image's <c>args</c>.
/// </summary>
public static partial class ImageEnvironment
{
    public static Dictionary<string, string> Of(StackPolicies access, string functionResource, string repositoryRoot)
    {
        var outputs = access.Outputs;
        var imageUri = (string?)outputs.Inputs(functionResource)["imageUri"] ?? throw new InvalidOperationException($"{functionResource} has no imageUri");
        var image = access.Resources("awsx:ecr:Image").SingleOrDefault(i => outputs.Output(i, "imageUri") == imageUri)
            ?? throw new InvalidOperationException($"{functionResource}: no awsx:ecr:Image of the program has imageUri {imageUri}");
        var inputs = outputs.Inputs(image);
        // Paths in the image's inputs are relative to the program folder (deploy/).
        var dockerfile = Path.GetFullPath(Path.Combine(repositoryRoot, "deploy", (string?)inputs["dockerfile"] ?? Path.Combine((string)inputs["context"]!, "Dockerfile")));
        var buildArgs = (inputs["args"] as JsonObject ?? []).ToDictionary(a => a.Key, a => (string)a.Value!, StringComparer.Ordinal);

        var arguments = new Dictionary<string, string>(StringComparer.Ordinal);
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(dockerfile).Select(l => l.Trim()))
        {
            if (line.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase))
            {
                arguments.Clear(); // each stage declares the ARGs it uses
                environment.Clear();
            }
            else if (line.StartsWith("ARG ", StringComparison.OrdinalIgnoreCase))
            {
                var (name, value) = Split(line[4..].Trim());
                arguments[name] = buildArgs.GetValueOrDefault(name) ?? value;
            }
            else if (line.StartsWith("ENV ", StringComparison.OrdinalIgnoreCase))
            {
                foreach (Match pair in Assignment().Matches(line[4..]))
                {
                    environment[pair.Groups[1].Value] = Reference().Replace(pair.Groups[2].Value, r => arguments.GetValueOrDefault(r.Groups[1].Value) ?? environment.GetValueOrDefault(r.Groups[1].Value, ""));
                }
            }
        }

        return environment;
    }

    private static (string Name, string Value) Split(string declaration)
    {
        var equals = declaration.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (declaration, "") : (declaration[..equals], declaration[(equals + 1)..]);
    }

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(\S+)")]
    private static partial Regex Assignment();

    [GeneratedRegex(@"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")]
    private static partial Regex Reference();
}
