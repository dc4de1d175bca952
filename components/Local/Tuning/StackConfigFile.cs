using System.Text.RegularExpressions;
using Infra.Configuration;

namespace Infra.Local.Tuning;

/// <summary>
/// Sets one plain value in a <c>Pulumi.&lt;stack&gt;.yaml</c> file's <c>config:</c> map, editing only that line (or adding
/// it), so that comments, order and secure values stay as they are. The file is read back to check the result.
/// </summary>
public static partial class StackConfigFile
{
    public static void Set(string path, string fullKey, string value)
    {
        if (!File.Exists(path))
        {
            throw new ServeException($"{path} does not exist; create the stack (pulumi stack init) or pick one with --stack");
        }

        var before = ConfigLoader.FromStackFile(path); // refuses a file that is not valid YAML before anything is changed
        if (before.EncryptedKeys.Contains(fullKey))
        {
            throw new ServeException($"{path}: {fullKey} is a secret; tune writes plain values only, so it leaves it unchanged");
        }

        var lines = File.ReadAllLines(path).ToList();
        var entry = $"{fullKey}: \"{value}\"";
        var configLine = lines.FindIndex(l => ConfigHeader().IsMatch(l));
        if (configLine < 0)
        {
            lines.Add("config:");
            lines.Add("  " + entry);
        }
        else
        {
            var end = configLine + 1;
            while (end < lines.Count && (lines[end].Length == 0 || char.IsWhiteSpace(lines[end][0]) || lines[end].TrimStart().StartsWith('#')))
            {
                end++;
            }

            var existing = lines.FindIndex(configLine + 1, end - configLine - 1, l => l.TrimStart().StartsWith(fullKey + ":", StringComparison.Ordinal));
            var indent = lines.Skip(configLine + 1).Take(end - configLine - 1).FirstOrDefault(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#')) is { } first
                ? first[..(first.Length - first.TrimStart().Length)]
                : "  ";
            if (existing >= 0)
            {
                lines[existing] = indent + entry;
            }
            else
            {
                // After the map's last entry, before the blank lines and unindented comments that close the block.
                var insertAt = end;
                while (insertAt > configLine + 1 && (lines[insertAt - 1].Trim().Length == 0 || lines[insertAt - 1].StartsWith('#')))
                {
                    insertAt--;
                }

                lines.Insert(insertAt, indent + entry);
            }
        }

        File.WriteAllLines(path, lines);
        var after = ConfigLoader.FromStackFile(path);
        if (!after.Values.TryGetValue(fullKey, out var written) || written != value)
        {
            throw new ServeException($"{path}: {fullKey} does not read back as '{value}' after writing it; the file's config map has an unusual layout, so set it by hand (pulumi config set {fullKey.Split(':')[^1]} {value})");
        }
    }

    [GeneratedRegex(@"^config:\s*(#.*)?$")]
    private static partial Regex ConfigHeader();
}
