using SchemaCheck.TypeScript;
using Infra.Testing.Programs;

namespace SchemaCheck.Tests;

public class ConversionErrorTests
{
    private static ProgramFormatException Fail(string yaml) =>
        Assert.Throws<ProgramFormatException>(() => ProgramConverter.Convert(ProgramReader.Read(yaml), "test.yaml"));

    [Fact]
    public void A_reference_to_nothing_names_the_missing_name()
    {
        var error = Fail("""
            resources:
              fn:
                type: aws:lambda:Function
                properties:
                  role: ${missing-role.arn}
            """);
        Assert.Contains("'${missing-role}' names no resource, variable or config key", error.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceMark(5, 13), error.Mark);
    }

    [Fact]
    public void A_dependency_cycle_names_its_members()
    {
        var error = Fail("""
            resources:
              a: { type: aws:s3:Bucket, properties: { bucket: "${b.id}" } }
              b: { type: aws:s3:Bucket, properties: { bucket: "${a.id}" } }
            """);
        Assert.Contains("dependency cycle: a -> b -> a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_resource_key_is_named_with_the_allowed_ones()
    {
        var error = Fail("""
            resources:
              b:
                type: aws:s3:Bucket
                propertes: { forceDestroy: true }
            """);
        Assert.Contains("resource 'b' has unknown key 'propertes'", error.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceMark(4, 5), error.Mark);
    }

    [Theory]
    [InlineData("fn::frobnicate: x", "unsupported built-in function 'fn::frobnicate'")]
    [InlineData("fn::join: [a, b, c]", "the argument to fn::join must be a two-valued list")]
    [InlineData("fn::invoke: { arguments: {} }", "missing the function name")]
    [InlineData("fn::invoke: { function: aws:getRegion, retrun: name }", "unknown fn::invoke key 'retrun'")]
    public void Malformed_built_ins_are_rejected(string value, string reason)
    {
        var error = Fail($"variables:\n  v:\n    {value}\n");
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_used_twice_is_rejected()
    {
        var error = Fail("""
            config:
              bucket: { type: string }
            resources:
              bucket: { type: aws:s3:Bucket }
            """);
        Assert.Contains("resource 'bucket' (aws:s3:Bucket) has the same name as config 'bucket'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_yaml_reports_where()
    {
        var error = Fail("resources:\n  b: [unclosed\n");
        Assert.Contains("not valid YAML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_section_is_rejected()
    {
        var error = Fail("resource:\n  b: { type: aws:s3:Bucket }\n");
        Assert.Contains("unknown top-level section 'resource'", error.Message, StringComparison.Ordinal);
    }
}
