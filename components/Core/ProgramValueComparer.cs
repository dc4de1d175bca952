using System.Text.Json;
using Infra.Core.Synthesis;

namespace Infra.Core;

/// <summary>Structural equality of program values, by their rendered form.</summary>
internal static class ProgramValueComparer
{
    public static bool Equal(ProgramValue left, ProgramValue right) =>
        Canonical(left) == Canonical(right);

    private static string Canonical(ProgramValue value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonProgramWriter.WriteNode(writer, ValueRenderer.Render(value));
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
