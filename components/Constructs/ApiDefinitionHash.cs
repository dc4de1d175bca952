using System.Security.Cryptography;
using System.Text.Json;
using Infra.Core;
using Infra.Core.Synthesis;

namespace Infra.Components;

/// <summary>
/// A SHA-256 over the arguments of the resources that make up an API definition (routes,
/// methods, integrations, validators, authorizers, gateway responses), exactly as they are
/// emitted. A deployment keyed on it is replaced when, and only when, the definition changes.
/// </summary>
internal static class ApiDefinitionHash
{
    public static string Of(IEnumerable<Resource> definition)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var resource in definition.OrderBy(r => r.LogicalName, StringComparer.Ordinal))
            {
                writer.WriteStartArray();
                writer.WriteStringValue(resource.LogicalName);
                writer.WriteStringValue(resource.TypeToken);
                // The arguments without the scope's tags, which are not part of the definition.
                JsonProgramWriter.WriteNode(writer, ValueRenderer.Render(resource.Args.ToProgramValue()));
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }
}
