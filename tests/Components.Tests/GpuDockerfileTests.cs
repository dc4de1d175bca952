using System.Text.RegularExpressions;
using Infra.Components;
using TestModels;

namespace Components.Tests;

/// <summary>
/// functions/Dockerfile.gpu as text: bases pinned by digest, the CUDA build of ONNX Runtime, a non-root user on port 8080, the
/// SageMaker <c>serve</c> convention, the provider and batching variables, and an ignore file that lets in what the COPY lines read.
/// </summary>
public sealed partial class GpuDockerfileTests
{
    private static readonly string Repository = TeamStackTests.RepositoryRoot();
    private static readonly string Text = File.ReadAllText(Path.Combine(Repository, "functions", "Dockerfile.gpu"));
    private static readonly IReadOnlyList<DockerStage> Stages = DockerfileStages.Parse(Text);

    [Fact]
    public void Every_base_image_is_a_cuda_12_cudnn_runtime_pinned_by_digest()
    {
        var images = ImageArgument().Matches(Text).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(images);
        Assert.All(images, image => Assert.Matches(@"^nvidia/cuda:12\.\d+\.\d+-cudnn-runtime-ubuntu\d+\.\d+@sha256:[0-9a-f]{64}$", image));
        Assert.All(FromLines().Matches(Text).Select(m => m.Groups[1].Value), from => Assert.Equal("${CUDA_IMAGE}", from));
    }

    [Fact]
    public void The_server_is_published_with_the_cuda_build_of_onnx_runtime_and_checked_for_its_provider_library()
    {
        var build = Stages.Single(s => s.Name == "build");
        var publish = build.Runs.Single(r => r.Contains("dotnet publish", StringComparison.Ordinal));

        Assert.Contains("functions/InferenceServer/InferenceServer.csproj", publish, StringComparison.Ordinal);
        Assert.Contains("-p:ExecutionProvider=cuda", publish, StringComparison.Ordinal);
        Assert.Contains("--self-contained", publish, StringComparison.Ordinal);
        Assert.Contains("test -f /out/libonnxruntime_providers_cuda.so", publish, StringComparison.Ordinal);
        Assert.Contains(build.Runs, r => r.Contains("dotnet restore", StringComparison.Ordinal) && r.Contains("-p:ExecutionProvider=cuda", StringComparison.Ordinal));
    }

    [Fact]
    public void The_image_runs_as_a_non_root_user_on_port_8080_and_starts_with_serve_as_sagemaker_runs_it()
    {
        var final = Stages[^1];
        var user = Assert.Single(UserLines().Matches(Text)).Groups[1].Value;

        Assert.DoesNotMatch(@"^(root|0)(:|$)", user);
        Assert.True(Text.LastIndexOf("\nUSER ", StringComparison.Ordinal) > Text.LastIndexOf("\nFROM ", StringComparison.Ordinal), "USER must be in the final stage");
        Assert.Matches(@"\nEXPOSE 8080\n", Text);
        // The server picks its port itself: SAGEMAKER_BIND_TO_PORT, else its default, which must be the port exposed here.
        Assert.Equal("8080", ServerDefaultPort().Match(File.ReadAllText(Path.Combine(Repository, "functions", "InferenceServer", "ServerSettings.cs"))).Groups[1].Value);
        // SageMaker's variable is SageMaker's to set (in inference pipelines); ASP.NET Core's port variables are overridden by
        // the server's Kestrel Listen, so setting one would only look like choosing the port (InferenceServer.Tests shows it).
        Assert.DoesNotContain(final.Environment.Keys, name => name is "SAGEMAKER_BIND_TO_PORT" or "ASPNETCORE_HTTP_PORTS" or "ASPNETCORE_HTTPS_PORTS" or "ASPNETCORE_URLS");
        Assert.Equal(["serve"], final.Command);
        Assert.Contains(final.Runs, r => r.Contains("ln -s /opt/server/InferenceServer /usr/local/bin/serve", StringComparison.Ordinal));
        Assert.Contains(final.Copies, c => c.From == "build" && c.Destination == "/opt/server/");
    }

    [Fact]
    public void The_image_asks_for_cuda_strictly_and_batches_concurrent_requests()
    {
        var environment = Stages[^1].Environment;

        Assert.Equal("cuda", environment["INFERENCE_EXECUTION_PROVIDER"]);
        Assert.Equal("true", environment["INFERENCE_EXECUTION_PROVIDER_STRICT"]);
        Assert.Equal("16", environment["INFERENCE_DYNAMIC_BATCH_MAX_SIZE"]);
        Assert.Equal("2", environment["INFERENCE_DYNAMIC_BATCH_MAX_WAIT_MS"]);
        Assert.Equal("/opt/server/models", environment["MODEL_DIR"]);
        Assert.Equal("resnet18", environment["MODEL_NAME"]);
    }

    /// <summary>
    /// The ignore file's allow-list is exactly the folders and files the COPY lines read from the context: every source is let
    /// in (with its build outputs left out), and every line that lets something in is read by a COPY line.
    /// </summary>
    [Fact]
    public void The_ignore_file_lets_in_exactly_what_the_copy_lines_read()
    {
        var lines = File.ReadAllLines(Path.Combine(Repository, "functions", "Dockerfile.gpu.dockerignore"))
            .Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        var ignore = new DockerIgnore(lines);
        var sources = Stages.SelectMany(s => s.Copies).Where(c => c.From is null).SelectMany(c => c.Sources).Distinct().ToList();

        Assert.All(sources, source => Assert.False(ignore.Excludes(source.TrimEnd('/') + (source.EndsWith('/') ? "/x.cs" : "")),
            $"the ignore file leaves out '{source}', which a COPY line reads"));
        Assert.True(ignore.Excludes("functions/Inference/bin/Release/Inference.dll"));
        Assert.True(ignore.Excludes("functions/InferenceServer/obj/project.assets.json"));
        Assert.True(ignore.Excludes("functions/InferenceFunction/Program.cs"));
        Assert.True(ignore.Excludes("README.md"));
        var allowed = lines.Where(l => l.StartsWith('!')).Select(l => l[1..]);
        Assert.All(allowed, allow => Assert.Contains(sources, source => source.StartsWith(allow, StringComparison.Ordinal) || allow == source));
    }

    /// <summary>
    /// Every project the server's publish builds (InferenceServer.csproj and its ProjectReferences, transitively), every
    /// MSBuild file they import and the repository-wide build files are in the image's build context and read by a COPY line of
    /// the build stage: a reference added to the server without its folder in the ignore file's allow-list breaks the image.
    /// </summary>
    [Fact]
    public void The_build_context_holds_every_project_the_server_references_and_every_file_its_build_reads()
    {
        var context = DockerBuildContext.Load(Repository, "functions/Dockerfile.gpu");
        var copied = Stages.Single(s => s.Name == "build").Copies.Where(c => c.From is null).SelectMany(c => c.Sources).ToList();
        var projects = ProjectClosure("functions/InferenceServer/InferenceServer.csproj");

        Assert.Equal(["functions/Contracts/Contracts.csproj", "functions/Inference/Inference.csproj", "functions/InferenceServer/InferenceServer.csproj"], projects.Keys);
        foreach (var (project, imports) in projects)
        {
            var folder = Path.GetDirectoryName(project)!.Replace('\\', '/');
            var sources = Directory.EnumerateFiles(Path.Combine(Repository, folder), "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Repository, f).Replace('\\', '/'))
                .Where(f => !f.Split('/').Any(part => part is "bin" or "obj"));
            Assert.All(sources.Concat(imports), file => Assert.True(context.Contains(file), $"{file} ({project}) is not in the build context of functions/Dockerfile.gpu"));
            Assert.Contains(folder + "/", copied);
        }

        Assert.All(["global.json", "Directory.Build.props", "Directory.Packages.props", "functions/Inference/models/resnet18/model.json"],
            file => Assert.True(context.Contains(file), $"{file} is not in the build context"));
        Assert.All(["global.json", "Directory.Build.props", "Directory.Packages.props"], file => Assert.Contains(file, copied));
    }

    /// <summary>A project and the projects it references, transitively, each with the MSBuild files it imports (repository-relative).</summary>
    private static SortedDictionary<string, List<string>> ProjectClosure(string root)
    {
        var found = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        var pending = new Queue<string>([root]);
        while (pending.TryDequeue(out var project))
        {
            if (found.ContainsKey(project))
            {
                continue;
            }

            var document = System.Xml.Linq.XDocument.Load(Path.Combine(Repository, project));
            string Resolve(string path) => Path.GetRelativePath(Repository, Path.GetFullPath(Path.Combine(Repository, Path.GetDirectoryName(project)!, path))).Replace('\\', '/');
            var attribute = (string element, string name) => document.Descendants(element).Select(e => e.Attribute(name)?.Value).OfType<string>().Select(Resolve);
            found[project] = [.. attribute("Import", "Project")];
            foreach (var reference in attribute("ProjectReference", "Include"))
            {
                pending.Enqueue(reference);
            }
        }

        return found;
    }

    [GeneratedRegex(@"public const int DefaultPort = (\d+);")]
    private static partial Regex ServerDefaultPort();

    [GeneratedRegex(@"^ARG \w+_IMAGE=(\S+)$", RegexOptions.Multiline)]
    private static partial Regex ImageArgument();

    [GeneratedRegex(@"^FROM (\S+)", RegexOptions.Multiline)]
    private static partial Regex FromLines();

    [GeneratedRegex(@"^USER (\S+)$", RegexOptions.Multiline)]
    private static partial Regex UserLines();
}
