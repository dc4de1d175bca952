using System.Globalization;
using System.Text;

namespace Infra.Testing;

/// <summary>A unified diff of two texts by line (Myers' shortest edit script), for a snapshot that no longer matches.</summary>
internal static class LineDiff
{
    private const int Context = 3;

    /// <summary>Beyond this many changed lines the search's memory grows large; the diff then replaces everything.</summary>
    private const int MaxDistance = 2000;

    /// <summary>The most diff lines a message shows.</summary>
    private const int MaxLines = 300;

    /// <summary>
    /// The first <paramref name="maxHunks"/> hunks of the diff from <paramref name="expected"/> to <paramref name="actual"/>,
    /// with a note of how many more there are; empty when the texts are equal.
    /// </summary>
    public static string Unified(string expected, string actual, string expectedLabel, string actualLabel, int maxHunks)
    {
        var a = Lines(expected);
        var b = Lines(actual);
        var edits = Edits(a, b);
        if (edits.All(e => e.Kind == ' '))
        {
            return "";
        }

        var hunks = Hunks(edits);
        var shown = 0;
        var text = new StringBuilder().Append("--- ").Append(expectedLabel).Append('\n').Append("+++ ").Append(actualLabel).Append('\n');
        foreach (var (start, end) in hunks.Take(maxHunks))
        {
            var slice = edits.Skip(start).Take(end - start).ToList();
            var oldStart = edits.Take(start).Count(e => e.Kind != '+') + 1;
            var newStart = edits.Take(start).Count(e => e.Kind != '-') + 1;
            text.Append(CultureInfo.InvariantCulture, $"@@ -{oldStart},{slice.Count(e => e.Kind != '+')} +{newStart},{slice.Count(e => e.Kind != '-')} @@\n");
            foreach (var edit in slice)
            {
                if (++shown > MaxLines)
                {
                    return text.Append(CultureInfo.InvariantCulture, $"... (cut after {MaxLines} lines)\n").ToString();
                }

                text.Append(edit.Kind).Append(edit.Line).Append('\n');
            }
        }

        if (hunks.Count > maxHunks)
        {
            text.Append(CultureInfo.InvariantCulture, $"... and {hunks.Count - maxHunks} more hunk(s)\n");
        }

        return text.ToString();
    }

    private static string[] Lines(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    // Ranges of the edit list around each change, with context lines; ranges that touch are merged.
    private static List<(int Start, int End)> Hunks(List<(char Kind, string Line)> edits)
    {
        var hunks = new List<(int Start, int End)>();
        for (var i = 0; i < edits.Count; i++)
        {
            if (edits[i].Kind == ' ')
            {
                continue;
            }

            var start = Math.Max(0, i - Context);
            var end = Math.Min(edits.Count, i + 1 + Context);
            if (hunks.Count > 0 && start <= hunks[^1].End)
            {
                hunks[^1] = (hunks[^1].Start, end);
            }
            else
            {
                hunks.Add((start, end));
            }
        }

        return hunks;
    }

    // Myers' O(ND) algorithm: the furthest-reaching path on each diagonal per edit distance, then back from the end.
    private static List<(char Kind, string Line)> Edits(string[] a, string[] b)
    {
        var max = a.Length + b.Length;
        var v = new int[2 * max + 2];
        var trace = new List<int[]>();
        for (var d = 0; d <= max; d++)
        {
            if (d > MaxDistance)
            {
                // Texts this different are better read whole: all old lines out, all new ones in.
                return [.. a.Select(line => ('-', line)), .. b.Select(line => ('+', line))];
            }

            trace.Add((int[])v.Clone());
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) ? v[max + k + 1] : v[max + k - 1] + 1;
                var y = x - k;
                while (x < a.Length && y < b.Length && a[x] == b[y])
                {
                    x++;
                    y++;
                }

                v[max + k] = x;
                if (x >= a.Length && y >= b.Length)
                {
                    return Backtrack(a, b, trace, max);
                }
            }
        }

        throw new InvalidOperationException("unreachable: the edit distance is at most the sum of the lengths");
    }

    private static List<(char Kind, string Line)> Backtrack(string[] a, string[] b, List<int[]> trace, int max)
    {
        var edits = new List<(char Kind, string Line)>();
        int x = a.Length, y = b.Length;
        for (var d = trace.Count - 1; d >= 0; d--)
        {
            var v = trace[d];
            var k = x - y;
            var previousK = k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) ? k + 1 : k - 1;
            var previousX = d == 0 ? 0 : v[max + previousK];
            var previousY = previousX - previousK;
            while (x > previousX && y > previousY)
            {
                edits.Add((' ', a[--x]));
                y--;
            }

            if (d > 0)
            {
                if (x == previousX)
                {
                    edits.Add(('+', b[--y]));
                }
                else
                {
                    edits.Add(('-', a[--x]));
                }
            }
        }

        edits.Reverse();
        return edits;
    }
}
