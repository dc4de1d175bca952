using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Infra.Components;
using LambdaEmulator;
using TestModels;

namespace Local.Tests;

/// <summary>
/// The container image of ContainerInferenceApi, laid out without Docker: a temp folder stands for the image's
/// root, filled by functions/Dockerfile's own COPY lines from the real Native AOT publish (the build stage's output)
/// and from the build context after its .dockerignore; then the function starts there under the Runtime API
/// emulator with the environment Lambda gives a provided.al2023 image, every absolute path moved under the root.
/// </summary>
public sealed partial class ContainerImageTests : IDisposable
{
    /// <summary>
    /// What the provided.al2023 base image sets (aws-lambda-base-images, Dockerfile.provided.al2023): these ENV
    /// lines, WORKDIR /var/task, and an entrypoint that starts ${LAMBDA_RUNTIME_DIR}/bootstrap with _HANDLER = CMD[0].
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> ProvidedAl2023Environment = new Dictionary<string, string>
    {
        ["PATH"] = "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        ["LD_LIBRARY_PATH"] = "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
        ["LAMBDA_TASK_ROOT"] = "/var/task",
        ["LAMBDA_RUNTIME_DIR"] = "/var/runtime",
    };

    private const string ProvidedAl2023WorkingDirectory = "/var/task";

    private readonly string _image = Directory.CreateTempSubdirectory("container-image-").FullName;

    public void Dispose() => Directory.Delete(_image, recursive: true);

    [SkippableFact]
    public async Task The_image_laid_out_by_the_dockerfile_starts_and_answers_a_prediction()
    {
        var publish = NativeAotPublish();
        var repository = TestStacks.RepositoryRoot;
        var stages = DockerfileStages.Parse(File.ReadAllText(Path.Combine(repository, "functions", "Dockerfile")),
            baseEnvironment: new Dictionary<string, IReadOnlyDictionary<string, string>> { ["RUNTIME_IMAGE"] = ProvidedAl2023Environment });
        var build = stages.Single(s => s.Name == "build");
        var output = PublishOutput().Match(build.Runs.Single(r => r.Contains("dotnet publish", StringComparison.Ordinal))).Groups[1].Value;
        var context = DockerBuildContext.Load(repository, "functions/Dockerfile");
        var final = stages[^1];
        foreach (var copy in final.Copies)
        {
            // From the build stage: its publish output is the real Native AOT publish; otherwise the build context.
            var from = copy.From switch
            {
                null => (Root: repository, Files: (IReadOnlyList<string>)context.Files, Prefix: ""),
                "build" => (Root: publish, Files: Relative(publish), Prefix: output.TrimEnd('/') + "/"),
                var other => throw new InvalidOperationException($"COPY --from={other} is not a stage this test lays out"),
            };
            foreach (var source in copy.Sources)
            {
                Copy(from.Root, from.Files, Relative(source, from.Prefix), copy.Destination, multiple: copy.Sources.Count > 1);
            }
        }

        var environment = final.Environment.ToDictionary(e => e.Key, e => UnderImage(e.Value));
        environment["_HANDLER"] = final.Command[0];
        environment["ORT_INTRA_OP_THREADS"] = "1";
        var bootstrap = Path.Combine(environment["LAMBDA_RUNTIME_DIR"], "bootstrap");
        var workingDirectory = Directory.CreateDirectory(Path.Combine(_image, (final.WorkingDirectory ?? ProvidedAl2023WorkingDirectory).TrimStart('/'))).FullName;
        await using var emulator = await FunctionEmulator.StartAsync(
            new FunctionDefinition(bootstrap, [], environment, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30), 2048, "container-image")
            {
                WorkingDirectory = workingDirectory,
            });

        var prediction = await emulator.InvokeAsync(Encoding.UTF8.GetBytes(ResNetPredictEvents.Predict(ResNetPredictEvents.Png())));

        Assert.True(prediction.Status == InvocationStatus.Succeeded,
            $"{prediction.Status}: {prediction.Error?.ErrorType} {prediction.Error?.ErrorMessage}\nimage files:\n{string.Join('\n', Relative(_image))}\n{emulator.RecentOutput()}");
        var answer = JsonDocument.Parse(prediction.Payload).RootElement;
        Assert.True(answer.GetProperty("statusCode").GetInt32() == 200, answer.GetProperty("body").GetString());
        var body = JsonDocument.Parse(answer.GetProperty("body").GetString()!).RootElement;
        Assert.Equal(final.Environment["MODEL_NAME"], body.GetProperty("model_name").GetString());
    }

    /// <summary>
    /// deploy/function-build.sh's Native AOT publish into .build/function/native-aot-{rid}, redone only when a
    /// source is newer (the script's own staleness check). Lambda's glibc check does not matter here: this machine runs it.
    /// </summary>
    private static string NativeAotPublish()
    {
        var rid = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var hasClang = Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(p => File.Exists(Path.Combine(p, "clang")));
        Skip.If(!hasClang && Environment.GetEnvironmentVariable("CI") != "true", "Native AOT needs clang: apt-get install -y clang (CI installs it)");
        var repository = TestStacks.RepositoryRoot;
        var start = new ProcessStartInfo("sh") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-c", ". \"$1\"; root=\"$2\"; attempt_native_aot \"$3\"", "sh", Path.Combine(repository, "deploy", "function-build.sh"), repository, rid })
        {
            start.ArgumentList.Add(argument);
        }

        using (var script = Process.Start(start)!)
        {
            var errors = script.StandardError.ReadToEndAsync();
            script.StandardOutput.ReadToEnd();
            script.WaitForExit();
            Assert.True(script.ExitCode == 0, errors.Result);
        }

        var publish = Path.Combine(repository, ".build", "function", $"native-aot-{rid}");
        var log = publish + ".log";
        Assert.True(File.Exists(Path.Combine(publish, "bootstrap")),
            $"The Native AOT publish failed: {File.ReadAllText(publish + ".check")}{(File.Exists(log) ? string.Join('\n', File.ReadLines(log).TakeLast(30)) : "")}");
        return publish;
    }

    /// <summary>Docker's COPY: a folder's content goes into the destination; a file goes to the destination path, or into it when it ends in / (or several sources are copied).</summary>
    private void Copy(string root, IReadOnlyList<string> files, string source, string destination, bool multiple)
    {
        var target = Path.Combine(_image, destination.TrimStart('/'));
        var glob = new Regex("^" + Regex.Escape(source).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$");
        var matches = source.Contains('*', StringComparison.Ordinal) || source.Contains('?', StringComparison.Ordinal)
            ? files.Where(f => glob.IsMatch(f)).ToList()
            : files.Contains(source) ? [source] : [];
        var folder = source.TrimEnd('/') + "/";
        var below = files.Where(f => f.StartsWith(folder, StringComparison.Ordinal)).ToList();
        Assert.True(matches.Count > 0 || below.Count > 0, $"COPY {source} {destination}: nothing matches in {root}");
        foreach (var file in matches)
        {
            var into = destination.EndsWith('/') || multiple || matches.Count > 1 || matches[0] != source;
            Place(Path.Combine(root, file), into ? Path.Combine(target, Path.GetFileName(file)) : target);
        }

        foreach (var file in below)
        {
            Place(Path.Combine(root, file), Path.Combine(target, file[folder.Length..]));
        }
    }

    private static void Place(string from, string to)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(from, to, overwrite: true);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(to, File.GetUnixFileMode(from));
        }
    }

    /// <summary>A path of the image (or a list of them, as in LD_LIBRARY_PATH) moved under the temp root; other values stay.</summary>
    private string UnderImage(string value) =>
        value.Split(':').All(p => p.StartsWith('/'))
            ? string.Join(':', value.Split(':').Select(p => Path.Combine(_image, p.TrimStart('/'))))
            : value;

    /// <summary>A COPY source relative to its root: under the build stage's output folder, or in the context.</summary>
    private static string Relative(string source, string prefix)
    {
        if (prefix.Length == 0)
        {
            return source.StartsWith("./", StringComparison.Ordinal) ? source[2..] : source;
        }

        Assert.True(source.StartsWith(prefix, StringComparison.Ordinal), $"COPY --from=build {source}: not under the publish output {prefix}");
        return source[prefix.Length..];
    }

    private static List<string> Relative(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"\s-o\s+(\S+)")]
    private static partial Regex PublishOutput();
}
