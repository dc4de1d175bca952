using Infra.Core;

namespace Infra.Components;

/// <summary>The Lambda runtime of a zip package (Lambda's <c>Runtime</c>).</summary>
public sealed record LambdaRuntime(string Value) : NamedValue(Value)
{
    /// <summary>The managed .NET 10 runtime: a framework-dependent (e.g. ReadyToRun) publish, started by its handler assembly.</summary>
    public static readonly LambdaRuntime Dotnet10 = new("dotnet10");

    /// <summary>The OS-only runtime on Amazon Linux 2023: a Native AOT <c>bootstrap</c> executable.</summary>
    public static readonly LambdaRuntime ProvidedAl2023 = new("provided.al2023");

    public static readonly IReadOnlyList<LambdaRuntime> All = [Dotnet10, ProvidedAl2023];
}

/// <summary>The instruction set a function runs on (Lambda's <c>Architectures</c>); it also sets the price per GB-second.</summary>
public sealed record LambdaArchitecture(string Value) : NamedValue(Value)
{
    public static readonly LambdaArchitecture X86_64 = new("x86_64");

    /// <summary>Graviton: about 20% cheaper per GB-second.</summary>
    public static readonly LambdaArchitecture Arm64 = new("arm64");

    public static readonly IReadOnlyList<LambdaArchitecture> All = [X86_64, Arm64];
}

/// <summary>The period a usage plan's quota counts over (API Gateway's <c>QuotaSettings.Period</c>).</summary>
public sealed record QuotaPeriod(string Value) : NamedValue(Value)
{
    public static readonly QuotaPeriod Day = new("DAY");

    public static readonly QuotaPeriod Week = new("WEEK");

    public static readonly QuotaPeriod Month = new("MONTH");

    public static readonly IReadOnlyList<QuotaPeriod> All = [Day, Week, Month];
}

/// <summary>The memory of an API Gateway stage cache in GB (the stage's <c>CacheClusterSize</c>); each size has its hourly price.</summary>
public sealed record StageCacheSize(string Value) : NamedValue(Value)
{
    public static readonly StageCacheSize Gb0_5 = new("0.5");

    public static readonly StageCacheSize Gb1_6 = new("1.6");

    public static readonly StageCacheSize Gb6_1 = new("6.1");

    public static readonly StageCacheSize Gb13_5 = new("13.5");

    public static readonly StageCacheSize Gb28_4 = new("28.4");

    public static readonly StageCacheSize Gb58_2 = new("58.2");

    public static readonly StageCacheSize Gb118 = new("118");

    public static readonly StageCacheSize Gb237 = new("237");

    public static readonly IReadOnlyList<StageCacheSize> All = [Gb0_5, Gb1_6, Gb6_1, Gb13_5, Gb28_4, Gb58_2, Gb118, Gb237];
}

/// <summary>
/// How much of a request body AWS WAF inspects for an API Gateway stage (the association's
/// <c>DefaultSizeInspectionLimit</c>); above 16 KB each further 16 KB costs extra per request.
/// </summary>
public sealed record WafBodyInspectionLimit(string Value) : NamedValue(Value)
{
    public static readonly WafBodyInspectionLimit Kb16 = new("KB_16");

    public static readonly WafBodyInspectionLimit Kb32 = new("KB_32");

    public static readonly WafBodyInspectionLimit Kb48 = new("KB_48");

    public static readonly WafBodyInspectionLimit Kb64 = new("KB_64");

    public static readonly IReadOnlyList<WafBodyInspectionLimit> All = [Kb16, Kb32, Kb48, Kb64];
}
