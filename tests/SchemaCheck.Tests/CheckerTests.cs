using SchemaCheck.Checking;

namespace SchemaCheck.Tests;

[Collection(NodeCollection.Name)]
public class CheckerTests(CheckedProgramsFixture fixture)
{
    [Fact]
    public void A_correct_program_passes()
    {
        var result = fixture.ByName["valid-sample.yaml"];
        Assert.True(result.Passed, string.Join("\n", result.Findings));
    }

    [Theory]
    [InlineData("misspelled-property.yaml", "TS2561", "models-bucket", "properties.bucketPrefx", 6, "'bucketPrefx' does not exist in type 'BucketArgs'")]
    [InlineData("nested-misspelling-sse.yaml", "TS2353", "models-bucket-sse", "properties.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyIdd", 12, "'kmsMasterKeyIdd' does not exist")]
    [InlineData("nested-misspelling-waf.yaml", "TS2353", "api-acl", "properties.visibilityConfig.metricNme", 11, "'metricNme' does not exist in type 'Input<WebAclVisibilityConfig>'")]
    [InlineData("wrong-type.yaml", "TS2322", "fn", "properties.memorySize", 13, "Type 'string' is not assignable to type 'Input<number | undefined>'")]
    [InlineData("missing-required.yaml", "TS2345", "fn", "properties", 5, "Property 'role' is missing")]
    [InlineData("unknown-resource-type.yaml", "TS2551", "models-bucket", "type", 4, "unknown resource type 'aws:s3:Buckt'")]
    [InlineData("wrong-long-token.yaml", "TOKEN", "models-bucket", "type", 4, "'aws:s3/buckt:Bucket' does not resolve: aws.s3.Bucket is 'aws:s3/bucket:Bucket'")]
    [InlineData("deprecated-resource.yaml", "TS6387", "models-bucket", "type", 4, "s3.BucketV2 has been deprecated in favor of s3.Bucket")]
    [InlineData("deprecated-input.yaml", "TS6385", "models-bucket", "properties.acl", 6, "'acl' is deprecated")]
    [InlineData("misspelled-option.yaml", "TS2561", "models-key", "options.protekt", 6, "'protekt' does not exist in type 'CustomResourceOptions'")]
    [InlineData("unknown-output-property.yaml", "TS2551", "bucketArn", "", 6, "Property 'arnn' does not exist on type 'Bucket'")]
    [InlineData("unknown-function.yaml", "TS2551", "policy", "fn::invoke.function", 5, "unknown function 'aws:iam:getPolicyDokument'")]
    public void A_broken_program_fails_with_one_finding_at_its_yaml_place(string file, string code, string entity, string path, int line, string message)
    {
        var result = fixture.ByName[$"broken/{file}"];

        var finding = Assert.Single(result.Findings);
        Assert.Equal(code, finding.Code);
        Assert.Equal(entity, finding.Entity?.Name);
        Assert.Equal(path, finding.Path);
        Assert.Equal(line, finding.Mark.Line);
        Assert.Contains(message, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_broken_program_fails_and_the_report_says_which()
    {
        var output = new StringWriter();
        ReportPrinter.Print(fixture.Report, output);
        var text = output.ToString();

        foreach (var (name, result) in fixture.ByName.Where(p => p.Key.StartsWith("broken/", StringComparison.Ordinal)))
        {
            Assert.False(result.Passed, $"{name} passed");
            Assert.Contains($"FAIL {result.Name} (1 problem)", text, StringComparison.Ordinal);
        }
        Assert.Contains($"PASS {fixture.ByName["valid-sample.yaml"].Name}", text, StringComparison.Ordinal);
        Assert.Contains($"Schema check: {fixture.ByName.Count - 1} of {fixture.ByName.Count} programs failed", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Programs_that_cannot_be_converted_fail_without_running_node()
    {
        var report = new SchemaChecker().Check([new ProgramSource("bad.yaml", "resources:\n  b:\n    type: random:index:RandomString\n")]);

        var finding = Assert.Single(Assert.Single(report.Programs).Findings);
        Assert.Equal("YAML", finding.Code);
        Assert.Equal(3, finding.Mark.Line);
        Assert.Contains("package 'random'", finding.Message, StringComparison.Ordinal);
        Assert.Null(report.TypeScriptVersion);
    }
}
