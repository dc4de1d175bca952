using Infra.Components;
using Infra.Configuration;
using Infra.Core;
using Infra.Hosting;

namespace Infra.Sdk;

/// <summary>
/// How the zip functions (REST API and batch) are built, from the config keys <c>functionBuild</c> and
/// <c>architecture</c>: <c>native-aot</c> ships a Native AOT <c>bootstrap</c> on <c>provided.al2023</c>,
/// <c>ready-to-run</c> a ReadyToRun publish on <c>dotnet10</c>, and <c>auto</c> the first when
/// <c>deploy/compile.sh</c> built a Native AOT package that Lambda can run, else the second.
/// </summary>
public sealed record FunctionBuildChoice(string Requested, LambdaArchitecture Architecture)
{
    public const string Key = "functionBuild";
    public const string Auto = "auto";
    public const string NativeAot = "native-aot";
    public const string ReadyToRun = "ready-to-run";

    /// <summary>Set by <c>deploy/compile.sh</c> to the build <c>auto</c> became on this machine.</summary>
    public const string AutoOutcomeVariable = "FUNCTION_BUILD_AUTO";

    /// <summary>Where compile.sh publishes each build, as <c>{build}-{runtime identifier}</c>.</summary>
    public const string BuildsFolder = ".build/function";

    public static FunctionBuildChoice Read(StackConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new FunctionBuildChoice(
            config.GetChoice(Key, Auto, Auto, NativeAot, ReadyToRun),
            config.GetChoice("architecture", LambdaArchitecture.X86_64, LambdaArchitecture.All));
    }

    /// <summary>The .NET runtime identifier of <see cref="Architecture"/>.</summary>
    public string RuntimeIdentifier => Architecture == LambdaArchitecture.Arm64 ? "linux-arm64" : "linux-x64";

    /// <summary>
    /// The build the functions ship. <c>auto</c> becomes what compile.sh decided; without its decision (discovery,
    /// <c>synth --stack</c>, <c>serve</c>, tests) it is <c>ready-to-run</c>, the build that runs on Lambda from any machine.
    /// </summary>
    public string Resolve(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        if (Requested != Auto)
        {
            return Requested;
        }

        var decided = environment(AutoOutcomeVariable);
        return decided switch
        {
            null or "" => ReadyToRun,
            NativeAot or ReadyToRun => decided,
            _ => throw new SynthesisException($"environment variable {AutoOutcomeVariable} has value '{decided}': expected {NativeAot} or {ReadyToRun} (deploy/compile.sh sets it)"),
        };
    }

    /// <summary>The zip function settings of the resolved build: its Lambda runtime and its published folder.</summary>
    public FunctionPackage Package(ProjectLayout layout, Func<string, string?> environment)
    {
        var build = Resolve(environment);
        return new FunctionPackage(
            build == NativeAot ? LambdaRuntime.ProvidedAl2023 : LambdaRuntime.Dotnet10,
            CodeDirectory.FromProject(layout, $"{BuildsFolder}/{build}-{RuntimeIdentifier}"));
    }
}

/// <summary>A published function folder and the Lambda runtime that runs it (the handler follows from the runtime).</summary>
public sealed record FunctionPackage(LambdaRuntime Runtime, CodeDirectory Code);
