using Amazon.S3;
using Infra.Hosting;
using Infra.Registry;

namespace Registry.Tests;

/// <summary>Runs the stack host's <c>model</c> verb the way <c>dotnet run --project stacks -- model ...</c> does, in a throw-away project folder.</summary>
public sealed class RegistryHost : IDisposable
{
    public const string Project = "registry-test";

    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("registry-host").FullName;
    private readonly Func<RegistryConnection, IAmazonS3> _clientFactory;
    private readonly Dictionary<string, string> _environment = [];

    public RegistryHost(Func<RegistryConnection, IAmazonS3> clientFactory)
    {
        _clientFactory = clientFactory;
        File.WriteAllText(Path.Combine(_directory, "Pulumi.yaml"), $"name: {Project}\nruntime: yaml\n");
    }

    public string Directory => _directory;

    /// <summary>Writes <c>Pulumi.{stack}.yaml</c> with these project config keys.</summary>
    public void SetStackConfig(string stack, IReadOnlyDictionary<string, string> values) =>
        File.WriteAllText(Path.Combine(_directory, $"Pulumi.{stack}.yaml"),
            "config:\n" + string.Concat(values.Select(v => $"  {Project}:{v.Key}: {v.Value}\n")));

    public (int Code, string Out, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = Deployment.Run(args, _ => new Dictionary<string, object?>(), new DeploymentOptions
        {
            Commands = [new ModelCommand(_clientFactory, name => _environment.GetValueOrDefault(name))],
            Out = output,
            Error = error,
            ProjectDirectory = _directory,
            Environment = name => _environment.GetValueOrDefault(name),
        });
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose() => System.IO.Directory.Delete(_directory, recursive: true);
}
