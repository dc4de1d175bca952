using System.Text;
using System.Text.RegularExpressions;

namespace TestModels;

/// <summary>A COPY line with its variables expanded: <c>From</c> is a stage name, or null for the build context.</summary>
internal sealed record DockerCopy(string? From, IReadOnlyList<string> Sources, string Destination);

/// <summary>
/// One build stage: its name (after AS), its COPY and RUN lines, the environment its ENV lines leave, its last
/// WORKDIR (null when it sets none) and its CMD.
/// </summary>
internal sealed record DockerStage(string? Name, IReadOnlyList<DockerCopy> Copies, IReadOnlyList<string> Runs,
    IReadOnlyDictionary<string, string> Environment, string? WorkingDirectory, IReadOnlyList<string> Command);

/// <summary>
/// The stages of a Dockerfile, read the way Docker reads the lines these tests need: comments and line
/// continuations, ARG (global ones reach a stage only when it declares them again), ENV, COPY with its flags, RUN,
/// WORKDIR and CMD in exec form; <c>$NAME</c> and <c>${NAME}</c> expand from the stage's ARG and ENV values and the base image's
/// environment. Other instructions are read past.
/// </summary>
internal static partial class DockerfileStages
{
    /// <param name="text">The Dockerfile.</param>
    /// <param name="buildArgs">--build-arg values, which override ARG defaults.</param>
    /// <param name="baseEnvironment">The environment each FROM image brings, by image variable name (e.g. RUNTIME_IMAGE).</param>
    public static IReadOnlyList<DockerStage> Parse(string text, IReadOnlyDictionary<string, string>? buildArgs = null,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? baseEnvironment = null)
    {
        buildArgs ??= new Dictionary<string, string>();
        var globalArgs = new Dictionary<string, string>();
        var stages = new List<DockerStage>();
        Dictionary<string, string>? variables = null;
        Dictionary<string, string>? environment = null;
        List<DockerCopy>? copies = null;
        List<string>? runs = null;
        string? workingDirectory = null;
        IReadOnlyList<string> command = [];
        string? name = null;

        void Close()
        {
            if (variables is not null)
            {
                stages.Add(new DockerStage(name, copies!, runs!, environment!, workingDirectory, command));
            }
        }

        foreach (var line in LogicalLines(text))
        {
            var split = line.IndexOf(' ', StringComparison.Ordinal);
            var instruction = (split < 0 ? line : line[..split]).ToUpperInvariant();
            var rest = split < 0 ? "" : line[(split + 1)..].Trim();
            switch (instruction)
            {
                case "FROM":
                    Close();
                    var from = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    name = from.Length == 3 && from[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? from[2] : null;
                    environment = new Dictionary<string, string>();
                    var image = ImageVariable().Match(from[0]);
                    if (image.Success && baseEnvironment is not null && baseEnvironment.TryGetValue(image.Groups[1].Value, out var inherited))
                    {
                        foreach (var (key, value) in inherited)
                        {
                            environment[key] = value;
                        }
                    }

                    variables = new Dictionary<string, string>(environment);
                    copies = [];
                    runs = [];
                    workingDirectory = null;
                    command = [];
                    break;
                case "ARG":
                    var (argument, fallback) = Assignment(rest);
                    var resolved = buildArgs.TryGetValue(argument, out var given) ? given
                        : fallback is not null ? Expand(fallback, variables ?? globalArgs)
                        : variables is not null && globalArgs.TryGetValue(argument, out var global) ? global : "";
                    (variables ?? globalArgs)[argument] = resolved;
                    break;
                case "ENV" when variables is not null:
                    // Every value on the line expands with the variables from before the line.
                    foreach (var (key, value) in EnvPair().Matches(rest).Select(p => (p.Groups[1].Value, Expand(p.Groups[2].Value.Trim('"'), variables))).ToList())
                    {
                        environment![key] = value;
                        variables[key] = value;
                    }

                    break;
                case "COPY" or "ADD" when variables is not null:
                    var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
                    var flags = words.TakeWhile(w => w.StartsWith("--", StringComparison.Ordinal)).ToList();
                    var paths = words.Skip(flags.Count).Select(w => Expand(w, variables)).ToList();
                    var source = flags.FirstOrDefault(f => f.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];
                    copies!.Add(new DockerCopy(source, paths[..^1], paths[^1]));
                    break;
                case "RUN" when variables is not null:
                    runs!.Add(rest);
                    break;
                case "WORKDIR" when variables is not null:
                    workingDirectory = Expand(rest, variables);
                    break;
                case "CMD" when variables is not null:
                    command = [.. JsonString().Matches(rest).Select(m => m.Groups[1].Value)];
                    break;
            }
        }

        Close();
        return stages;
    }

    /// <summary>Expands <c>$NAME</c> and <c>${NAME}</c>; an unknown name expands to nothing, as in Docker.</summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> variables) =>
        Variable().Replace(text, m => variables.TryGetValue(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, out var value) ? value : "");

    /// <summary>The Dockerfile's instructions, one per logical line: continuations joined, comments and blanks dropped.</summary>
    private static IEnumerable<string> LogicalLines(string text)
    {
        var current = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            var continued = line.EndsWith('\\');
            current.Append(continued ? line[..^1] : line).Append(' ');
            if (!continued)
            {
                var logical = current.ToString().Trim();
                current.Clear();
                if (logical.Length > 0)
                {
                    yield return logical;
                }
            }
        }
    }

    private static (string Name, string? Default) Assignment(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? (text.Trim(), null) : (text[..equals].Trim(), text[(equals + 1)..].Trim());
    }

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$")]
    private static partial Regex ImageVariable();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z0-9_]*)=(""[^""]*""|\S*)")]
    private static partial Regex EnvPair();

    [GeneratedRegex(@"""((?:[^""\\]|\\.)*)""")]
    private static partial Regex JsonString();
}
