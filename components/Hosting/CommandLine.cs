namespace Infra.Hosting;

/// <summary>
/// A parsed command line: a verb, then <c>--name value</c> options, <c>--flag</c>s and positional arguments
/// (such as a sub-verb and its operands: <c>model push resnet18 1.0.0 model.onnx</c>) in any order.
/// </summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options;

    private CommandLine(string verb, Dictionary<string, string?> options, IReadOnlyList<string> arguments)
    {
        Verb = verb;
        _options = options;
        Arguments = arguments;
    }

    public string Verb { get; }

    public IReadOnlyCollection<string> OptionNames => _options.Keys;

    /// <summary>Words after the verb that are not options, in order; a usage error for verbs that take none.</summary>
    public IReadOnlyList<string> Arguments { get; }

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public bool Flag(string name) => _options.ContainsKey(name);

    /// <summary>
    /// Parses the arguments. No arguments means <c>synth</c>: that is how Pulumi's YAML runtime
    /// calls the compiler. An option takes the next word as its value unless that is another option.
    /// </summary>
    public static CommandLine Parse(IReadOnlyList<string> args, string defaultVerb)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var arguments = new List<string>();
        string? verb = null;
        for (var i = 0; i < args.Count; i++)
        {
            var word = args[i];
            if (word is "-h" or "--help")
            {
                options["help"] = null;
            }
            else if (word.StartsWith("--", StringComparison.Ordinal))
            {
                var name = word[2..];
                var equals = name.IndexOf('=', StringComparison.Ordinal);
                if (equals >= 0)
                {
                    options[name[..equals]] = name[(equals + 1)..];
                }
                else
                {
                    var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
                    options[name] = hasValue ? args[++i] : null;
                }
            }
            else if (verb is null)
            {
                verb = word;
            }
            else
            {
                arguments.Add(word);
            }
        }

        return new CommandLine(verb ?? defaultVerb, options, arguments);
    }
}
