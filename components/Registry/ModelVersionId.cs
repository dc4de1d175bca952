using Inference.Contracts;

namespace Infra.Registry;

/// <summary>A model name and a semantic version, validated: together they name a folder of the registry.</summary>
public sealed record ModelVersionId
{
    private ModelVersionId(string name, SemanticVersion version)
    {
        Name = name;
        Version = version;
    }

    public string Name { get; }

    public SemanticVersion Version { get; }

    public string Folder => ModelRegistryLayout.Folder(Name, Version.Text);

    public string ModelKey => ModelRegistryLayout.ModelKey(Name, Version.Text);

    public string ConfigKey => ModelRegistryLayout.ConfigKey(Name, Version.Text);

    public override string ToString() => $"{Name} {Version}";

    public static ModelVersionId Parse(string name, string version)
    {
        if (!ModelConfigLoader.IsValidName(name))
        {
            throw new RegistryException($"model name '{name}' is invalid: expected {ModelConfigLoader.NameRules}");
        }

        return SemanticVersion.TryParse(version, out var parsed)
            ? new ModelVersionId(name, parsed)
            : throw new RegistryException($"version '{version}' of model '{name}' is invalid: expected {SemanticVersion.Rules}");
    }
}
