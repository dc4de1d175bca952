using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Infra.Core.Synthesis;

namespace Infra.Testing;

/// <summary>
/// A pattern for a value of the synthesized program. Patterns are written as C# values: anonymous objects and
/// dictionaries are maps, arrays and lists are lists, strings, booleans and numbers are literals, and a
/// <see cref="Match"/> may stand anywhere inside them. Strings are compared with the program's text, in which a
/// reference reads <c>${name.attribute}</c> and a literal dollar is doubled (<c>$$</c>); numbers compare by value
/// (<c>512</c> matches <c>512</c> and <c>512.0</c>).
/// </summary>
public abstract class Match
{
    /// <summary>What the pattern expects, for a failure message, e.g. <c>'arm64'</c> or <c>a reference to ${models-bucket.arn}</c>.</summary>
    public abstract string Description { get; }

    /// <summary>
    /// Equal to the value, deeply: maps have exactly the pattern's keys, lists exactly its items, in order.
    /// Matchers inside the value still apply (e.g. <c>Match.Exact(new { role = Match.AnyValue() })</c>).
    /// </summary>
    public static Match Exact(object? value) => new PatternMatch(value, partial: false);

    /// <summary>
    /// A map holding at least the pattern's keys, each matching; nested maps are matched the same way (deeply
    /// object-like), lists item by item with their exact length. <see cref="Absent"/> as a value requires the key to be missing.
    /// </summary>
    public static Match ObjectLike(object pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new PatternMatch(pattern, partial: true);
    }

    /// <summary>
    /// A list that contains, in any order, an item matching each pattern, each item used for one pattern only; other
    /// items may come before, between and after. Map patterns are object-like. See <see cref="ArrayWithInOrder"/>.
    /// </summary>
    public static Match ArrayWith(params object?[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new ArrayWithMatch(items, ordered: false);
    }

    /// <summary>Like <see cref="ArrayWith"/>, and the matching items come in the patterns' order (CDK's <c>arrayWith</c>).</summary>
    public static Match ArrayWithInOrder(params object?[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return new ArrayWithMatch(items, ordered: true);
    }

    /// <summary>As a map value in a pattern: the key is missing. Anywhere else: no value.</summary>
    public static Match Absent() => AbsentMatch.Instance;

    /// <summary>Any value that is present and not null.</summary>
    public static Match AnyValue() => AnyValueMatch.Instance;

    /// <summary>A string the regular expression matches somewhere (anchor it with <c>^…$</c> for the whole string).</summary>
    public static Match StringLike(string regex)
    {
        ArgumentNullException.ThrowIfNull(regex);
        return new StringLikeMatch(new Regex(regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
    }

    /// <summary>Anything the given pattern does not match.</summary>
    public static Match Not(object? pattern) => new NotMatch(Of(pattern, partial: false));

    /// <summary>
    /// A reference to another resource, variable or config key of the program: <c>ReferenceTo("models-bucket")</c>
    /// matches <c>${models-bucket}</c>, <c>ReferenceTo("models-bucket", "arn")</c> matches <c>${models-bucket.arn}</c>.
    /// The name must exist in the program. See <see cref="Interpolating"/> for a reference inside a longer string.
    /// </summary>
    public static Match ReferenceTo(string name, string? attribute = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new ReferenceMatch(name, attribute, whole: true);
    }

    /// <summary>A string that interpolates the reference among other text, such as <c>${models-bucket.arn}/*</c>.</summary>
    public static Match Interpolating(string name, string? attribute = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new ReferenceMatch(name, attribute, whole: false);
    }

    /// <summary>
    /// A built-in function call as the program writes it, a one-key map <c>fn::name: argument</c>, e.g.
    /// <c>Match.Call("fn::fileArchive", Match.AnyValue())</c>; the argument is matched object-like.
    /// </summary>
    public static Match Call(string function, object? argument)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(function);
        return new PatternMatch(new Dictionary<string, object?>(StringComparer.Ordinal) { [function] = argument }, partial: true, exactKeys: true);
    }

    /// <summary>Whether the value matches, with no message; <paramref name="program"/> resolves <see cref="ReferenceTo"/> names.</summary>
    public bool Matches(object? value, OrderedMap? program = null)
    {
        var failures = new List<MatchFailure>();
        Test(value, true, [], new MatchContext(program), failures);
        return failures.Count == 0;
    }

    /// <summary>
    /// Tests a value found at <paramref name="path"/> (or missing there when <paramref name="present"/> is false) and adds a
    /// failure for each mismatch.
    /// </summary>
    internal abstract void Test(object? actual, bool present, IReadOnlyList<object> path, MatchContext context, List<MatchFailure> failures);

    /// <summary>A pattern as given by a test: a matcher as is, any other value as an exact or object-like pattern.</summary>
    internal static Match Of(object? pattern, bool partial) => pattern as Match ?? new PatternMatch(pattern, partial);

    /// <inheritdoc/>
    public override string ToString() => Description;
}

/// <summary>One mismatch: where in the value, what the pattern expected there and what was found.</summary>
internal sealed record MatchFailure(IReadOnlyList<object> Path, string Expected, string Found)
{
    public string Describe(string prefix)
    {
        var path = ProgramValues.Describe(Path);
        var at = prefix.Length == 0 ? path : path == "(root)" ? prefix : prefix + (Path.Count > 0 && Path[0] is int ? "" : ".") + path;
        return $"at {at}: expected {Expected}, found {Found}";
    }
}

/// <summary>What a matcher may need beyond the value: the program, to tell a misspelt reference from a wrong one.</summary>
internal sealed record MatchContext(OrderedMap? Program)
{
    public bool Declares(string name) =>
        Program is null || new[] { "resources", "variables", "config" }.Any(section => ProgramValues.Has(Program, section, name));
}

/// <summary>A literal pattern: maps, lists and scalars, compared exactly or object-like, with matchers inside.</summary>
internal sealed class PatternMatch(object? pattern, bool partial, bool exactKeys = false) : Match
{
    private readonly object? _pattern = PatternValue.Normalize(pattern);

    public override string Description => PatternValue.Show(_pattern);

    internal override void Test(object? actual, bool present, IReadOnlyList<object> path, MatchContext context, List<MatchFailure> failures)
    {
        if (!present)
        {
            failures.Add(new MatchFailure(path, Description, "no value"));
            return;
        }

        switch (_pattern)
        {
            case IReadOnlyList<KeyValuePair<string, object?>> map:
                TestMap(map, actual, path, context, failures);
                break;
            case IReadOnlyList<object?> list:
                TestList(list, actual, path, context, failures);
                break;
            default:
                if (!PatternValue.ScalarEquals(_pattern, actual))
                {
                    failures.Add(new MatchFailure(path, Description, ProgramValues.Show(actual)));
                }

                break;
        }
    }

    private void TestMap(IReadOnlyList<KeyValuePair<string, object?>> pattern, object? actual, IReadOnlyList<object> path, MatchContext context, List<MatchFailure> failures)
    {
        if (actual is not OrderedMap map)
        {
            failures.Add(new MatchFailure(path, "a map with keys " + string.Join(", ", pattern.Select(e => e.Key)), ProgramValues.Show(actual)));
            return;
        }

        foreach (var (key, expected) in pattern)
        {
            var index = map.FindIndex(e => e.Key == key);
            Of(expected, partial).Test(index >= 0 ? map[index].Value : null, index >= 0, [.. path, key], context, failures);
        }

        if (!partial || exactKeys)
        {
            var extra = map.Select(e => e.Key).Where(k => pattern.All(e => e.Key != k)).ToList();
            if (extra.Count > 0)
            {
                failures.Add(new MatchFailure(path, "no other keys than " + string.Join(", ", pattern.Select(e => e.Key)), "also " + string.Join(", ", extra)));
            }
        }
    }

    private void TestList(IReadOnlyList<object?> pattern, object? actual, IReadOnlyList<object> path, MatchContext context, List<MatchFailure> failures)
    {
        if (actual is not List<object?> list)
        {
            failures.Add(new MatchFailure(path, $"a list of {pattern.Count}", ProgramValues.Show(actual)));
            return;
        }

        if (list.Count != pattern.Count)
        {
            failures.Add(new MatchFailure(path, $"a list of {pattern.Count}", $"a list of {list.Count}: {PatternValue.Show(list)}"));
            return;
        }

        for (var i = 0; i < list.Count; i++)
        {
            Of(pattern[i], partial).Test(list[i], true, [.. path, i], context, failures);
        }
    }
}

internal sealed class ArrayWithMatch(IReadOnlyList<object?> items, bool ordered) : Match
{
    private readonly IReadOnlyList<Match> _items = [.. items.Select(item => Of(item, partial: true))];

    public override string Description =>
        $"a list with items matching {string.Join(", ", _items.Select(i => i.Description))}{(ordered ? ", in this order" : "")}";

    internal override void Test(object? actual, bool present, IReadOnlyList<object> path, MatchContext context, List<MatchFailure> failures)
    {
        if (!present || actual is not List<object?> list)
        {
            failures.Add(new MatchFailure(path, Description, present ? ProgramValues.Show(actual) : "no value"));
            return;
        }

        var fits = _items.Select(item => list.Select(value => item.MatchesIn(value, context)).ToArray()).ToArray();
        if (Assign(fits, 0, new bool[list.Count], -1))
        {
            return;
        }

        var unmatched = _items.Where((_, i) => !fits[i].Any(f => f)).Select(i => i.Description).ToList();
        failures.Add(new MatchFailure(path, Description, unmatched.Count > 0
            ? $"no item matching {string.Join(", ", unmatched)} among {PatternValue.Show(list)}"
            : $"items that match only {(ordered ? "out of order or " : "")}by sharing one item: {PatternValue.Show(list)}"));
    }

    // Backtracking over which item each pattern takes: the lists of a program are short, and a greedy choice could
    // give an item to the wrong pattern.
    private bool Assign(bool[][] fits, int pattern, bool[] taken, int last)
    {
        if (pattern == fits.Length)
        {
            return true;
        }

        for (var i = ordered ? last + 1 : 0; i < taken.Length; i++)
        {
            if (!taken[i] && fits[pattern][i])
            {
                taken[i] = true;
                if (Assign(fits, pattern + 1, taken, i))
                {
                    return true;
                }

                taken[i] = false;
            }
        }

        return false;
    }
}

internal sealed class AbsentMatch : Match
{
    public static AbsentMatch Instance { get; } = new();

    public override string Description => "no value";

    internal override void Test(object? actual, bool present, IReadOnlyList<object> path, MatchContext context, List<MatchFailure> failures)
    {
        if (present)
        {
            failures.Add(new MatchFailure(path, Description, ProgramValues.Show(actual)));
        }
    }
}

internal sealed class AnyValueMatch : Match
{
    public static AnyValueMatch Instance { get; } = new();

    public override string Description => "any value";

    internal override void Test(object? actual, bool present, IReadOnlyList<object> path, MatchContext context, List<MatchFailure> failures)
    {
        if (!present || actual is null)
        {
            failures.Add(new MatchFailure(path, Description, present ? "null" : "no value"));
        }
    }
}

internal sealed class StringLikeMatch(Regex regex) : Match
{
    public override string Description => $"a string like /{regex}/";

    internal override void Test(object? actual, bool present, IReadOnlyList<object> path, MatchContext context, List<MatchFailure> failures)
    {
        if (!present || actual is not string text || !regex.IsMatch(text))
        {
            failures.Add(new MatchFailure(path, Description, present ? ProgramValues.Show(actual) : "no value"));
        }
    }
}

internal sealed class NotMatch(Match inner) : Match
{
    public override string Description => "not " + inner.Description;

    internal override void Test(object? actual, bool present, IReadOnlyList<object> path, MatchContext context, List<MatchFailure> failures)
    {
        var innerFailures = new List<MatchFailure>();
        inner.Test(actual, present, path, context, innerFailures);
        if (innerFailures.Count == 0)
        {
            failures.Add(new MatchFailure(path, Description, present ? ProgramValues.Show(actual) : "no value"));
        }
    }
}

internal sealed class ReferenceMatch(string name, string? attribute, bool whole) : Match
{
    private readonly string _reference = "${" + name + (attribute is null ? "" : "." + attribute) + "}";

    public override string Description => whole ? $"a reference to {_reference}" : $"a string interpolating {_reference}";

    internal override void Test(object? actual, bool present, IReadOnlyList<object> path, MatchContext context, List<MatchFailure> failures)
    {
        if (!context.Declares(name))
        {
            failures.Add(new MatchFailure(path, Description, $"no resource, variable or config key named '{name}' in the program"));
            return;
        }

        var text = actual as string;
        var matches = text is not null && (whole ? text == _reference : Interpolates(text));
        if (!present || !matches)
        {
            failures.Add(new MatchFailure(path, Description, present ? ProgramValues.Show(actual) : "no value"));
        }
    }

    // A literal "$${" is an escaped dollar, not an interpolation.
    private bool Interpolates(string text)
    {
        for (var at = text.IndexOf(_reference, StringComparison.Ordinal); at >= 0; at = text.IndexOf(_reference, at + 1, StringComparison.Ordinal))
        {
            var dollars = 0;
            for (var i = at - 1; i >= 0 && text[i] == '$'; i--)
            {
                dollars++;
            }

            if (dollars % 2 == 0)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>Turns a test's C# pattern into the program's data model, and compares and shows scalars.</summary>
internal static class PatternValue
{
    /// <summary>
    /// Maps become key/value lists (keys as written), sequences lists, numbers decimals; matchers and strings stay.
    /// </summary>
    public static object? Normalize(object? value) => value switch
    {
        null or Match or string or bool => value,
        OrderedMap map => map.Select(e => new KeyValuePair<string, object?>(e.Key, Normalize(e.Value))).ToList(),
        List<KeyValuePair<string, object?>> normalized => normalized,
        byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal => Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        Enum => throw new ArgumentException($"enum value '{value}' has no program representation: use the provider's string, e.g. \"arm64\""),
        IDictionary dictionary => dictionary.Keys.Cast<object>()
            .Select(key => new KeyValuePair<string, object?>(key as string ?? throw new ArgumentException("pattern map keys must be strings"), Normalize(dictionary[key])))
            .ToList(),
        IEnumerable sequence => sequence.Cast<object?>().Select(Normalize).ToList(),
        _ when IsAnonymous(value.GetType()) => value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => new KeyValuePair<string, object?>(p.Name, Normalize(p.GetValue(value))))
            .ToList(),
        _ => throw new ArgumentException($"a {value.GetType().FullName} cannot be a pattern: use an anonymous object, a dictionary, a list, a string, a number, a boolean or a Match"),
    };

    public static bool ScalarEquals(object? expected, object? actual) => (expected, actual) switch
    {
        (null, null) => true,
        (decimal number, long integer) => number == integer,
        (decimal number, decimal other) => number == other,
        (string text, string other) => string.Equals(text, other, StringComparison.Ordinal),
        (bool flag, bool other) => flag == other,
        _ => false,
    };

    /// <summary>A value on one line, long ones shortened: what a failure message shows of a list or a pattern.</summary>
    public static string Show(object? value)
    {
        var text = Render(value);
        return text.Length <= 200 ? text : text[..197] + "...";
    }

    private static string Render(object? value) => value switch
    {
        Match match => match.Description,
        null => "null",
        string text => $"'{text}'",
        bool flag => flag ? "true" : "false",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable<KeyValuePair<string, object?>> map => "{" + string.Join(", ", map.Select(e => $"{e.Key}: {Render(e.Value)}")) + "}",
        IEnumerable<object?> list => "[" + string.Join(", ", list.Select(Render)) + "]",
        _ => value.ToString() ?? value.GetType().Name,
    };

    private static bool IsAnonymous(Type type) =>
        type.IsDefined(typeof(CompilerGeneratedAttribute), false) && type.Name.Contains("AnonymousType", StringComparison.Ordinal);
}

/// <summary>Helpers the matchers share.</summary>
internal static class MatchExtensions
{
    public static bool MatchesIn(this Match match, object? value, MatchContext context)
    {
        var failures = new List<MatchFailure>();
        match.Test(value, true, [], context, failures);
        return failures.Count == 0;
    }

    /// <summary>Runs a pattern against a value and returns every mismatch.</summary>
    public static List<MatchFailure> Run(this Match match, object? value, bool present, MatchContext context)
    {
        var failures = new List<MatchFailure>();
        match.Test(value, present, [], context, failures);
        return failures;
    }
}
