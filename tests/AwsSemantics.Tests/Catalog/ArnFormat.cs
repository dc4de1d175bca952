namespace AwsSemantics.Tests.Catalog;

/// <summary>
/// Whether an ARN of a policy (with IAM's <c>*</c> and <c>?</c>) can name a resource of a type whose ARN format the
/// Service Authorization Reference gives (<c>arn:${Partition}:sqs:${Region}:${Account}:${QueueName}</c>): some text
/// matches both. A variable stands for one or more characters other than <c>:</c>, and other than <c>/</c> unless it
/// is documented as a path (object keys, log group names, SSM parameter names, IAM names with paths).
/// </summary>
public static class ArnFormat
{
    public static bool CanMatch(string arn, string format)
    {
        var tokens = Tokenize(format);
        var memo = new Dictionary<(int, int, bool), bool>();
        return Match(0, 0, false);

        bool Match(int i, int j, bool varStarted)
        {
            if (memo.TryGetValue((i, j, varStarted), out var known)) return known;
            var result = Step(i, j, varStarted);
            memo[(i, j, varStarted)] = result;
            return result;
        }

        bool Step(int i, int j, bool varStarted)
        {
            if (j == tokens.Count) return arn[i..].All(c => c == '*');
            var token = tokens[j];
            if (token.Variable is not null && varStarted && Match(i, j + 1, false)) return true; // the variable ends here
            if (i == arn.Length) return false;
            var c = arn[i];
            if (token.Variable is null)
            {
                return c switch
                {
                    '*' => Match(i + 1, j, false) || Match(i, j + 1, false), // the star ends, or it covers this character too
                    '?' => Match(i + 1, j + 1, false),
                    _ => c == token.Literal && Match(i + 1, j + 1, false),
                };
            }

            return c switch
            {
                '*' => Match(i + 1, j, varStarted) || Match(i, j + 1, false), // the star covers the rest of the variable
                ':' => false,
                '/' when !token.MayHoldSlash => false,
                _ => Match(i + 1, j, true),
            };
        }
    }

    private static List<Token> Tokenize(string format)
    {
        var tokens = new List<Token>();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] == '$' && i + 1 < format.Length && format[i + 1] == '{')
            {
                var end = format.IndexOf('}', i);
                var name = format[(i + 2)..end];
                tokens.Add(new Token('\0', name, IsPath(name)));
                i = end;
            }
            else
            {
                tokens.Add(new Token(format[i], null, false));
            }
        }

        return tokens;
    }

    private static bool IsPath(string variable) =>
        variable.Contains("Path", StringComparison.Ordinal)
        || variable is "ObjectName" or "LogGroupName" or "ParameterNameWithoutLeadingSlash";

    private sealed record Token(char Literal, string? Variable, bool MayHoldSlash);
}
