using SchemaCheck.Checking;
using SchemaCheck.TypeScript;
using Infra.Testing.Programs;

namespace SchemaCheck.Tests;

public class FindingMapperTests
{
    private static readonly GeneratedModule Module = ProgramConverter.Convert(ProgramReader.Read("""
        resources:
          b:
            type: aws:s3:Bucket
            properties:
              tags: { owner: ml }
        """), "test.yaml");

    private static int OffsetOf(string text) => Module.Text.IndexOf(text, StringComparison.Ordinal);

    private static TypeScriptDiagnostic Diagnostic(int start, int code, string message) => new(start, 1, code, message, 1, 1);

    [Fact]
    public void A_diagnostic_is_reported_at_the_innermost_yaml_place()
    {
        var result = new TypeScriptFileResult("m.ts", [Diagnostic(OffsetOf("owner"), 2322, "bad owner")], [new ResolvedToken(OffsetOf("aws.s3.Bucket"), "aws:s3/bucket:Bucket")]);

        var finding = Assert.Single(FindingMapper.Map(Module, result));

        Assert.Equal(new Finding(new SourceMark(5, 15), new ProgramEntity("resource", "b", "aws:s3:Bucket"), "properties.tags.owner", "TS2322", "bad owner"), finding);
    }

    [Fact]
    public void A_diagnostic_on_a_resolved_class_keeps_its_own_message()
    {
        var result = new TypeScriptFileResult("m.ts", [Diagnostic(OffsetOf("aws.s3.Bucket") + 7, 6387, "Bucket is deprecated")], [new ResolvedToken(OffsetOf("aws.s3.Bucket"), "aws:s3/bucket:Bucket")]);

        var finding = Assert.Single(FindingMapper.Map(Module, result));

        Assert.Equal(("TS6387", "type", "Bucket is deprecated"), (finding.Code, finding.Path, finding.Message));
    }

    [Fact]
    public void A_class_that_resolves_to_no_pulumi_token_fails_even_without_a_diagnostic()
    {
        var finding = Assert.Single(FindingMapper.Map(Module, new TypeScriptFileResult("m.ts", [], [])));

        Assert.Equal("TOKEN", finding.Code);
        Assert.Contains("aws.s3.Bucket is not a Pulumi resource type", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_class_with_another_token_fails()
    {
        var result = new TypeScriptFileResult("m.ts", [], [new ResolvedToken(OffsetOf("aws.s3.Bucket"), "aws:s3/bucketV2:BucketV2")]);

        var finding = Assert.Single(FindingMapper.Map(Module, result));

        Assert.Equal("TOKEN", finding.Code);
        Assert.Contains("is 'aws:s3/bucketV2:BucketV2'", finding.Message, StringComparison.Ordinal);
    }
}
