using Infra.Core;
using Infra.Hosting;

namespace Components.Tests.Preview;

/// <summary>A throw-away Pulumi project folder for running the host's verbs against.</summary>
internal sealed class TempProject : IDisposable
{
    public TempProject(string projectName)
    {
        Root = Directory.CreateTempSubdirectory("preview-test").FullName;
        ProjectName = projectName;
        File.WriteAllText(Path.Combine(Root, "Pulumi.yaml"), $"name: {projectName}\nruntime: yaml\nmain: deploy/\n");
    }

    public string Root { get; }

    public string ProjectName { get; }

    public ProjectLayout Layout => new(Root, ProjectName, Path.Combine(Root, "deploy"));

    /// <summary>Writes <c>Pulumi.&lt;stack&gt;.yaml</c> with the given project keys.</summary>
    public void WriteStackFile(string stack, IReadOnlyDictionary<string, string> keys) =>
        File.WriteAllLines(Path.Combine(Root, $"Pulumi.{stack}.yaml"),
            ["config:", .. keys.Select(k => $"  {(k.Key.Contains(':', StringComparison.Ordinal) ? k.Key : ProjectName + ":" + k.Key)}: \"{k.Value}\"")]);

    /// <summary>
    /// A published function folder (from the project root) of the given size, as a sparse file: synthesis measures it
    /// against Lambda's limits (over 50 MB goes through S3) without writing the bytes.
    /// </summary>
    public void PublishFunction(long bytes, string folderFromRoot)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Root, folderFromRoot));
        using var model = File.Create(Path.Combine(folder.FullName, "model.onnx"));
        model.SetLength(bytes);
    }

    public (int ExitCode, string Out, string Error) Run(StackDefinition definition, Dictionary<string, string>? environment, params string[] args)
    {
        using var output = new StringWriter();
        using var errors = new StringWriter();
        var code = Deployment.Run(args, definition, new DeploymentOptions
        {
            Out = output,
            Error = errors,
            ProjectDirectory = Root,
            Environment = name => environment?.GetValueOrDefault(name),
        });
        return (code, output.ToString(), errors.ToString());
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
