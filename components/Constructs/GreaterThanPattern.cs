using System.Globalization;
using System.Text;

namespace Infra.Components;

/// <summary>
/// A regular expression that matches exactly the decimal integers above a bound. WAF compares
/// header values as text only, so a numeric limit on <c>Content-Length</c> must be a pattern.
/// </summary>
public static class GreaterThanPattern
{
    public static string For(long bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bound);
        var digits = bound.ToString(CultureInfo.InvariantCulture);
        var alternatives = new List<string>
        {
            // Any number with more digits is larger.
            $"[1-9][0-9]{{{digits.Length},}}",
        };

        // Same length: equal up to position i, larger at i, anything after.
        for (var i = 0; i < digits.Length; i++)
        {
            var digit = digits[i] - '0';
            if (digit == 9)
            {
                continue;
            }

            var pattern = new StringBuilder(digits[..i]);
            pattern.Append(digit + 1 == 9 ? "9" : $"[{digit + 1}-9]");
            var rest = digits.Length - i - 1;
            if (rest > 0)
            {
                pattern.Append(CultureInfo.InvariantCulture, $"[0-9]{{{rest}}}");
            }

            alternatives.Add(pattern.ToString());
        }

        // Leading zeros do not change the value; HTTP allows them in Content-Length.
        return "^0*(?:" + string.Join("|", alternatives) + ")$";
    }
}
