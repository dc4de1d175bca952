using Infra.Core;

namespace Infra.Core.Synthesis;

/// <summary>Renders one resource: its type, its properties with the scope's tags, and its options.</summary>
internal static class ResourceRenderer
{
    public static OrderedMap Render(Resource resource)
    {
        var rendered = new OrderedMap { { "type", resource.TypeToken } };
        var properties = Properties(resource);
        if (properties.Entries.Count > 0)
        {
            rendered.Add("properties", ValueRenderer.RenderMap(properties));
        }

        var options = Options(resource);
        if (options.Count > 0)
        {
            rendered.Add("options", options);
        }

        return rendered;
    }

    /// <summary>The resource's arguments; taggable ones get the scope's tags under any explicit ones.</summary>
    internal static MapValue Properties(Resource resource)
    {
        var properties = resource.Args.ToProgramValue() as MapValue
            ?? throw new SynthesisException(Owner(resource), $"resource '{resource.LogicalName}' has arguments that are not a map");
        if (resource.Args is not ITaggableArgs)
        {
            return properties;
        }

        var tags = resource.Scope.Tags.ToDictionary(t => t.Key, t => (ProgramValue)new LiteralValue(t.Value), StringComparer.Ordinal);
        if (properties.Entries.TryGetValue("tags", out var explicitTags) && explicitTags is MapValue explicitMap)
        {
            foreach (var (key, value) in explicitMap.Entries)
            {
                tags[key] = value;
            }
        }

        var entries = new Dictionary<string, ProgramValue>(properties.Entries, StringComparer.Ordinal) { ["tags"] = new MapValue(tags) };
        return new MapValue(entries);
    }

    internal static string Owner(Resource resource) => resource.Scope.Path.Length == 0 ? "stack" : resource.Scope.Path;

    private static OrderedMap Options(Resource resource)
    {
        var options = resource.Options;
        var rendered = new OrderedMap();
        AddList(rendered, "additionalSecretOutputs", options.AdditionalSecretOutputs);

        var aliases = options.Aliases.Select(RenderAlias)
            .Concat(resource.Scope.FormerNames(resource.LocalName).Select(former => (object?)new OrderedMap { { "name", former } }))
            .ToList();
        if (aliases.Count > 0)
        {
            rendered.Add("aliases", aliases);
        }

        if (options.CustomTimeouts is { } timeouts)
        {
            var map = new OrderedMap();
            AddIfSet(map, "create", timeouts.Create);
            AddIfSet(map, "delete", timeouts.Delete);
            AddIfSet(map, "update", timeouts.Update);
            rendered.Add("customTimeouts", map);
        }

        AddIfSet(rendered, "deleteBeforeReplace", options.DeleteBeforeReplace);
        if (options.DependsOn.Count > 0)
        {
            rendered.Add("dependsOn", options.DependsOn.Select(d => (object?)("${" + d.LogicalName + "}")).ToList());
        }

        AddList(rendered, "ignoreChanges", options.IgnoreChanges);
        AddIfSet(rendered, "protect", options.Protect);
        AddList(rendered, "replaceOnChanges", options.ReplaceOnChanges);
        AddIfSet(rendered, "retainOnDelete", options.RetainOnDelete);
        AddIfSet(rendered, "version", ProviderVersions.For(resource.TypeToken));
        return rendered;
    }

    private static object? RenderAlias(Alias alias)
    {
        if (alias.Urn is not null)
        {
            return alias.Urn;
        }

        var map = new OrderedMap();
        AddIfSet(map, "name", alias.Name);
        AddIfSet(map, "project", alias.Project);
        AddIfSet(map, "stack", alias.Stack);
        return map;
    }

    private static void AddList(OrderedMap map, string key, IList<string> values)
    {
        if (values.Count > 0)
        {
            map.Add(key, values.Order(StringComparer.Ordinal).Select(v => (object?)v).ToList());
        }
    }

    private static void AddIfSet(OrderedMap map, string key, object? value)
    {
        if (value is not null)
        {
            map.Add(key, value);
        }
    }
}
