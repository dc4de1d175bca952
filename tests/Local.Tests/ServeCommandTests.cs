using Infra.Core;
using Infra.Hosting;
using Infra.Local;
using Stacks;

namespace Local.Tests;

/// <summary>The serve verb's options and its build rule.</summary>
public sealed class ServeCommandTests
{
    [Theory]
    [InlineData("--port", "abc", "--port 'abc' is invalid: expected an integer from 1 to 65535")]
    [InlineData("--max-instances", "0", "--max-instances '0' is invalid: expected an integer from 1 to 64")]
    [InlineData("--idle-timeout", "-5", "--idle-timeout '-5' is invalid: expected an integer from 1 to 86400")]
    public void A_bad_option_value_is_an_error_naming_the_option_the_value_and_what_is_allowed(string option, string value, string message)
    {
        var error = new StringWriter();

        var exitCode = Deployment.Run(["serve", option, value], TeamStacks.Define, new DeploymentOptions
        {
            Commands = [new ServeCommand()],
            Out = TextWriter.Null,
            Error = error,
            ProjectDirectory = TestStacks.RepositoryRoot,
        });

        Assert.Equal(ExitCodes.Failed, exitCode);
        Assert.Equal($"error: serve: {message}", error.ToString().Trim());
    }

    [Fact]
    public void Options_default_to_port_4000_two_instances_and_five_idle_minutes()
    {
        var options = ServeOptions.Parse(CommandLine.Parse(["serve", "--stack", "prod", "--port", "4100"], "synth"));

        Assert.Equal(new ServeOptions("prod", 4100, 2, TimeSpan.FromMinutes(5)), options);
    }

    [Fact]
    public void Emulators_is_a_flag_and_a_value_after_it_is_refused()
    {
        Assert.False(ServeOptions.Parse(CommandLine.Parse(["serve"], "synth")).Emulators);
        Assert.True(ServeOptions.Parse(CommandLine.Parse(["serve", "--emulators", "--stack", "dev"], "synth")).Emulators);

        var error = Assert.Throws<ServeException>(() => ServeOptions.Parse(CommandLine.Parse(["serve", "--emulators", "dev"], "synth")));

        Assert.Contains("--emulators takes no value, but got 'dev'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_function_build_is_stale_when_missing_or_older_than_a_source()
    {
        var root = Directory.CreateTempSubdirectory("serve-build-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(root, "Pulumi.yaml"), "name: test\nruntime: yaml\n");
            var source = Path.Combine(root, "functions", "Inference", "Model.cs");
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllText(source, "// source");
            // The function's project makes the root its own source root (FunctionSource), as in this repository.
            var project = Path.Combine(root, "functions", "InferenceFunction", "InferenceFunction.csproj");
            Directory.CreateDirectory(Path.GetDirectoryName(project)!);
            File.WriteAllText(project, "<Project />");
            var ignored = Path.Combine(root, "functions", "Inference", "obj", "generated.cs");
            Directory.CreateDirectory(Path.GetDirectoryName(ignored)!);
            File.WriteAllText(ignored, "// build output");
            var build = new FunctionBuild(ProjectLayout.Find(root), TextWriter.Null);
            Directory.CreateDirectory(build.OutputDirectory);

            Assert.Equal(build.Assembly, build.NewerSource(build.Assembly));
            File.WriteAllText(build.Assembly, "built");
            File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(-1));
            File.SetLastWriteTimeUtc(project, DateTime.UtcNow.AddMinutes(-1));
            File.SetLastWriteTimeUtc(ignored, DateTime.UtcNow.AddMinutes(1));
            Assert.Null(build.NewerSource(build.Assembly));
            File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(2));
            Assert.Equal(source, build.NewerSource(build.Assembly));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
