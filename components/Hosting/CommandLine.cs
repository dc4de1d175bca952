namespace Infra.Hosting;

/// <summary>A parsed command line: a verb followed by <c>--name value</c> options and <c>--flag</c>s.</summary>
public sealed class CommandLine
{
    private readonly Dictionary<string, string?> _options;

    private CommandLine(string verb, Dictionary<string, string?> options, IReadOnlyList<string> unexpected)
    {
        Verb = verb;
        _options = options;
        Unexpected = unexpected;
    }

    public string Verb { get; }

    public IReadOnlyCollection<string> OptionNames => _options.Keys;

    /// <summary>Words after the verb that are not options: no verb takes any, so they are a usage error.</summary>
    public IReadOnlyList<string> Unexpected { get; }

    public string? Option(string name) => _options.GetValueOrDefault(name);

    public bool Flag(string name) => _options.ContainsKey(name);

    /// <summary>
    /// Parses the arguments. No arguments means <c>synth</c>: that is how Pulumi's YAML runtime
    /// calls the compiler. An option takes the next word as its value unless that is another option.
    /// </summary>
    public static CommandLine Parse(IReadOnlyList<string> args, string defaultVerb)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        var unexpected = new List<string>();
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
                unexpected.Add(word);
            }
        }

        return new CommandLine(verb ?? defaultVerb, options, unexpected);
    }
}
