using SchemaCheck.Checking;

namespace Components.Tests;

/// <summary>
/// Runs the provider schema check once over every sample program, plus one copy with a misspelt
/// nested property that must fail, so that a check which passes everything is noticed.
/// </summary>
public sealed class CheckedApiSamplesFixture
{
    public const string Misspelt = "misspelt.yaml";

    public CheckedApiSamplesFixture()
    {
        var programs = ApiSampleStacks.Programs();
        var sources = programs.Select(p => new ProgramSource(p.Key, p.Value)).ToList();
        sources.Add(new ProgramSource(Misspelt, programs["defaults.yaml"].Replace("evaluationWindowSec", "evaluationWindowSecs", StringComparison.Ordinal)));
        Report = new SchemaChecker().Check(sources);
    }

    public CheckReport Report { get; }

    public ProgramResult Result(string name) => Report.Programs.Single(p => p.Name == name);
}

public sealed class ApiSchemaTests(CheckedApiSamplesFixture fixture) : IClassFixture<CheckedApiSamplesFixture>
{
    [Theory]
    [InlineData("defaults.yaml")]
    [InlineData("options.yaml")]
    [InlineData("cognito.yaml")]
    public void Every_resource_the_endpoint_and_the_waf_emit_passes_the_provider_schema_check(string program)
    {
        var result = fixture.Result(program);

        Assert.True(result.Passed, string.Join(Environment.NewLine, result.Findings.Select(f => $"{f.Mark} {f.Entity} {f.Path}: {f.Code} {f.Message}")));
    }

    [Fact]
    public void A_misspelt_nested_waf_property_in_the_same_program_fails()
    {
        var finding = Assert.Single(fixture.Result(CheckedApiSamplesFixture.Misspelt).Findings);

        Assert.Equal("TS2353", finding.Code);
        Assert.Contains("evaluationWindowSecs", finding.Path, StringComparison.Ordinal);
    }
}
