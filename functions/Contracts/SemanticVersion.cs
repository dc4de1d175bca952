namespace Inference.Contracts;

/// <summary>
/// A semantic version as defined by SemVer 2.0.0: <c>MAJOR.MINOR.PATCH</c>, an optional pre-release
/// (<c>-rc.1</c>) and optional build metadata (<c>+build.5</c>). Numbers have no leading zeros,
/// identifiers are non-empty ASCII letters, digits and hyphens. Ordering follows the spec's precedence;
/// build metadata does not take part in it.
/// </summary>
public sealed class SemanticVersion : IComparable<SemanticVersion>
{
    /// <summary>Longer versions are refused: the version becomes part of S3 keys and environment variables.</summary>
    public const int MaxLength = 128;

    public const string Rules =
        "a semantic version (SemVer 2.0.0) such as 1.0.0, 2.1.0-rc.1 or 1.0.0+build.5: MAJOR.MINOR.PATCH without leading zeros, " +
        "then optionally '-' and dot-separated pre-release identifiers, then optionally '+' and dot-separated build identifiers " +
        "(identifiers: non-empty, letters, digits and '-'; numeric pre-release identifiers without leading zeros), at most 128 characters";

    private readonly string[] _core;
    private readonly string[] _preRelease;

    private SemanticVersion(string text, string[] core, string[] preRelease, string[] build)
    {
        Text = text;
        _core = core;
        _preRelease = preRelease;
        Build = build;
    }

    public string Text { get; }

    public IReadOnlyList<string> PreRelease => _preRelease;

    public IReadOnlyList<string> Build { get; }

    public bool IsPreRelease => _preRelease.Length > 0;

    public override string ToString() => Text;

    public static SemanticVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not {Rules}");

    public static bool IsValid(string? text) => TryParse(text, out _);

    public static bool TryParse(string? text, out SemanticVersion version)
    {
        version = null!;
        if (string.IsNullOrEmpty(text) || text.Length > MaxLength)
        {
            return false;
        }

        var rest = text;
        string[] build = [];
        var plus = rest.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            build = rest[(plus + 1)..].Split('.');
            if (!build.All(IsIdentifier))
            {
                return false;
            }

            rest = rest[..plus];
        }

        string[] preRelease = [];
        var dash = rest.IndexOf('-', StringComparison.Ordinal);
        if (dash >= 0)
        {
            preRelease = rest[(dash + 1)..].Split('.');
            if (!preRelease.All(id => IsIdentifier(id) && (!IsNumeric(id) || HasNoLeadingZero(id))))
            {
                return false;
            }

            rest = rest[..dash];
        }

        var core = rest.Split('.');
        if (core.Length != 3 || !core.All(n => IsNumeric(n) && HasNoLeadingZero(n)))
        {
            return false;
        }

        version = new SemanticVersion(text, core, preRelease, build);
        return true;
    }

    public int CompareTo(SemanticVersion? other)
    {
        if (other is null)
        {
            return 1;
        }

        for (var i = 0; i < 3; i++)
        {
            var byNumber = CompareNumbers(_core[i], other._core[i]);
            if (byNumber != 0)
            {
                return byNumber;
            }
        }

        // A pre-release ranks below its release: 1.0.0-rc.1 < 1.0.0.
        if (_preRelease.Length == 0 || other._preRelease.Length == 0)
        {
            return (_preRelease.Length == 0, other._preRelease.Length == 0) switch
            {
                (true, true) => 0,
                (true, false) => 1,
                _ => -1,
            };
        }

        for (var i = 0; i < Math.Min(_preRelease.Length, other._preRelease.Length); i++)
        {
            var byIdentifier = CompareIdentifiers(_preRelease[i], other._preRelease[i]);
            if (byIdentifier != 0)
            {
                return byIdentifier;
            }
        }

        return _preRelease.Length.CompareTo(other._preRelease.Length);
    }

    private static int CompareIdentifiers(string a, string b) => (IsNumeric(a), IsNumeric(b)) switch
    {
        (true, true) => CompareNumbers(a, b),
        (true, false) => -1, // numeric identifiers rank below alphanumeric ones
        (false, true) => 1,
        _ => string.CompareOrdinal(a, b) switch { < 0 => -1, > 0 => 1, _ => 0 },
    };

    // Without leading zeros, a longer digit string is a larger number; this needs no integer type (the spec sets no limit).
    private static int CompareNumbers(string a, string b) =>
        a.Length != b.Length ? a.Length.CompareTo(b.Length) : string.CompareOrdinal(a, b) switch { < 0 => -1, > 0 => 1, _ => 0 };

    private static bool IsIdentifier(string id) => id.Length > 0 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    private static bool IsNumeric(string id) => id.Length > 0 && id.All(char.IsAsciiDigit);

    private static bool HasNoLeadingZero(string number) => number.Length == 1 || number[0] != '0';
}
