using Infra.Core;

namespace Infra.Core.Synthesis;

/// <summary>
/// Turns a stack into the Pulumi YAML program data model: validates it, then lays out the
/// sections (config, variables, resources, outputs) in a stable order.
/// </summary>
public static class ProgramSynthesizer
{
    public static OrderedMap Synthesize(Stack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        ProgramValidator.Validate(stack);

        // The name is required: with `main:` pointing at a folder without Pulumi.yaml, the YAML
        // runtime takes the project name from the compiled program.
        var program = new OrderedMap { { "name", stack.ProjectName } };
        AddSection(program, "config", stack.ConfigSymbols.ToDictionary(c => c.Name, RenderConfig));
        AddSection(program, "variables", stack.Variables.ToDictionary(v => v.Name, v => ValueRenderer.Render(v.Value)));
        AddSection(program, "resources", stack.Resources.ToDictionary(r => r.LogicalName, r => (object?)ResourceRenderer.Render(r)));
        AddSection(program, "outputs", stack.Outputs.ToDictionary(o => o.Key, o => ValueRenderer.Render(o.Value)));
        return program;
    }

    private static object? RenderConfig(ConfigSymbol symbol)
    {
        var declaration = new OrderedMap { { "type", symbol.Type } };
        if (symbol.Secret)
        {
            declaration.Add("secret", true);
        }

        return declaration;
    }

    private static void AddSection(OrderedMap program, string name, Dictionary<string, object?> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var section = new OrderedMap();
        foreach (var key in entries.Keys.Order(StringComparer.Ordinal))
        {
            section.Add(key, entries[key]);
        }

        program.Add(name, section);
    }
}
