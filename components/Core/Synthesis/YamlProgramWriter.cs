using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Infra.Core.Synthesis;

/// <summary>
/// Writes a rendered program as block-style YAML. Strings are plain where that is unambiguous
/// and double-quoted otherwise, so nothing a string holds can be read back as another type.
/// </summary>
public static partial class YamlProgramWriter
{
    public static string Write(OrderedMap program)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        var emitter = new Emitter(text, new EmitterSettings(bestIndent: 2, bestWidth: int.MaxValue, isCanonical: false, maxSimpleKeyLength: 1024));
        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart(null, null, isImplicit: true));
        WriteNode(emitter, program);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void WriteNode(IEmitter emitter, object? node)
    {
        switch (node)
        {
            case null:
                emitter.Emit(new Scalar(null, null, "null", ScalarStyle.Plain, true, false));
                break;
            case string text:
                emitter.Emit(new Scalar(null, null, text, IsPlainSafe(text) ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted, true, true));
                break;
            case bool flag:
                emitter.Emit(new Scalar(null, null, flag ? "true" : "false", ScalarStyle.Plain, true, false));
                break;
            case long or decimal:
                emitter.Emit(new Scalar(null, null, Convert.ToString(node, CultureInfo.InvariantCulture)!, ScalarStyle.Plain, true, false));
                break;
            case OrderedMap map:
                emitter.Emit(new MappingStart(null, null, true, map.Count == 0 ? MappingStyle.Flow : MappingStyle.Block));
                foreach (var (key, value) in map)
                {
                    WriteNode(emitter, key);
                    WriteNode(emitter, value);
                }

                emitter.Emit(new MappingEnd());
                break;
            case List<object?> list:
                emitter.Emit(new SequenceStart(null, null, true, list.Count == 0 ? SequenceStyle.Flow : SequenceStyle.Block));
                foreach (var item in list)
                {
                    WriteNode(emitter, item);
                }

                emitter.Emit(new SequenceEnd());
                break;
            default:
                throw new NotSupportedException($"Cannot write a {node.GetType().Name} node.");
        }
    }

    // Plain only for text that starts like an identifier, a path or an interpolation, is not
    // a YAML 1.1/1.2 keyword, and contains no sequence YAML treats specially.
    private static bool IsPlainSafe(string text) =>
        PlainCandidate().IsMatch(text)
        && !Keyword().IsMatch(text)
        && !text.Contains(": ", StringComparison.Ordinal)
        && !text.Contains(" #", StringComparison.Ordinal)
        && !text.EndsWith(':');

    [GeneratedRegex(@"^[A-Za-z_/$][A-Za-z0-9_./:${}()\[\]*@+=,\- ]*[A-Za-z0-9_./${}()\[\]*@+=\-]$|^[A-Za-z_]$")]
    private static partial Regex PlainCandidate();

    [GeneratedRegex("^(?i:true|false|yes|no|on|off|y|n|null|~)$")]
    private static partial Regex Keyword();
}
