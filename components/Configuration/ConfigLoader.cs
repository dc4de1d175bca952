using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Infra.Configuration;

/// <summary>Reads a stack's config from Pulumi's environment or from a <c>Pulumi.&lt;stack&gt;.yaml</c> file.</summary>
public static class ConfigLoader
{
    /// <summary>Parses <c>PULUMI_CONFIG</c>: a JSON object of fully qualified keys and string values.</summary>
    public static ConfigValues FromPulumiConfigJson(string json)
    {
        Dictionary<string, JsonElement>? raw;
        try
        {
            raw = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json);
        }
        catch (JsonException error)
        {
            throw new ConfigException([$"PULUMI_CONFIG is not a JSON object: {error.Message}"]);
        }

        var values = (raw ?? []).ToDictionary(
            e => e.Key,
            e => e.Value.ValueKind == JsonValueKind.String ? e.Value.GetString()! : e.Value.GetRawText(),
            StringComparer.Ordinal);
        return new ConfigValues(values, new HashSet<string>(StringComparer.Ordinal));
    }

    /// <summary>
    /// Reads the <c>config:</c> map of a stack file. Lists and maps become JSON text, as Pulumi
    /// passes structured config; <c>secure:</c> values are encrypted, so only their key is known.
    /// </summary>
    public static ConfigValues FromStackFile(string path)
    {
        var stream = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            try
            {
                stream.Load(reader);
            }
            catch (YamlDotNet.Core.YamlException error)
            {
                throw new ConfigException([$"{path} is not valid YAML: {error.Message}"]);
            }
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var encrypted = new HashSet<string>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0
            || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("config"), out var configNode))
        {
            return new ConfigValues(values, encrypted);
        }

        if (configNode is not YamlMappingNode config)
        {
            throw new ConfigException([$"{path}: 'config' must be a map of keys to values"]);
        }

        foreach (var (keyNode, valueNode) in config.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (valueNode is YamlMappingNode { Children.Count: 1 } secure && secure.Children.ContainsKey(new YamlScalarNode("secure")))
            {
                encrypted.Add(key);
            }
            else
            {
                values[key] = valueNode is YamlScalarNode scalar ? scalar.Value ?? "" : ToJson(valueNode);
            }
        }

        return new ConfigValues(values, encrypted);
    }

    private static string ToJson(YamlNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer, node);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteJson(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                writer.WriteStringValue(scalar.Value);
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    WriteJson(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value ?? "");
                    WriteJson(writer, value);
                }

                writer.WriteEndObject();
                break;
        }
    }
}
