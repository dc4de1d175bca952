using Infra.Aws.S3;
using Infra.Core;
using Infra.Core.Synthesis;
using YamlDotNet.RepresentationModel;

namespace Components.Tests;

public class EmissionTests
{
    private static Stack Build(bool reversed)
    {
        var stack = new Stack("proj", "dev");
        var steps = new List<Action>
        {
            () => new Bucket(stack, "alpha", new BucketArgs { BucketPrefix = "a", ForceDestroy = true }),
            () => new Bucket(stack, "beta", new BucketArgs { Tags = new InputMap<string> { ["z"] = "1", ["a"] = "2" } }),
            () => stack.Export("zeta", "z"),
            () => stack.Export("alpha", "a"),
        };
        if (reversed)
        {
            steps.Reverse();
        }

        steps.ForEach(step => step());
        return stack;
    }

    [Fact]
    public void The_same_stack_gives_byte_identical_yaml_and_json()
    {
        Assert.Equal(YamlProgramWriter.Write(ProgramSynthesizer.Synthesize(Build(false))), YamlProgramWriter.Write(ProgramSynthesizer.Synthesize(Build(false))));
        Assert.Equal(JsonProgramWriter.Write(ProgramSynthesizer.Synthesize(Build(false))), JsonProgramWriter.Write(ProgramSynthesizer.Synthesize(Build(false))));
    }

    [Fact]
    public void Output_order_does_not_depend_on_the_order_resources_were_declared()
    {
        Assert.Equal(YamlProgramWriter.Write(ProgramSynthesizer.Synthesize(Build(false))), YamlProgramWriter.Write(ProgramSynthesizer.Synthesize(Build(true))));
    }

    [Fact]
    public void Sections_and_keys_are_sorted()
    {
        var yaml = YamlProgramWriter.Write(ProgramSynthesizer.Synthesize(Build(false)));

        Assert.True(yaml.IndexOf("resources:", StringComparison.Ordinal) < yaml.IndexOf("outputs:", StringComparison.Ordinal));
        Assert.True(yaml.IndexOf("  alpha:", StringComparison.Ordinal) < yaml.IndexOf("  beta:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("true")]
    [InlineData("No")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("123")]
    [InlineData("2012-10-17")]
    [InlineData("0x1F")]
    [InlineData(".inf")]
    [InlineData("")]
    [InlineData(" padded ")]
    [InlineData("key: value")]
    [InlineData("a #comment")]
    [InlineData("*")]
    [InlineData("&anchor")]
    [InlineData("line\nbreak")]
    [InlineData("- item")]
    [InlineData("ends:")]
    [InlineData("'quoted'")]
    public void Strings_that_yaml_would_read_as_something_else_stay_strings(string text)
    {
        var stack = new Stack("proj", "dev");
        new Bucket(stack, "data", new BucketArgs { BucketPrefix = text });
        var yaml = YamlProgramWriter.Write(ProgramSynthesizer.Synthesize(stack));

        var parsed = new YamlStream();
        parsed.Load(new StringReader(yaml));
        var scalar = (YamlScalarNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)((YamlMappingNode)parsed.Documents[0].RootNode)["resources"])["data"])["properties"])["bucketPrefix"];

        Assert.Equal(text, scalar.Value);
        Assert.NotEqual(YamlDotNet.Core.ScalarStyle.Plain, scalar.Style);
    }

    [Fact]
    public void Numbers_and_booleans_are_plain_and_identifiers_and_references_are_unquoted()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new Bucket(stack, "data", new BucketArgs { ForceDestroy = true, BucketPrefix = "models-" });
        new BucketPolicy(stack, "policy", new BucketPolicyArgs { Bucket = bucket.BucketName, Policy = "{}" });

        var yaml = YamlProgramWriter.Write(ProgramSynthesizer.Synthesize(stack));

        Assert.Contains("forceDestroy: true", yaml, StringComparison.Ordinal);
        Assert.Contains("bucketPrefix: models-", yaml, StringComparison.Ordinal);
        Assert.Contains("bucket: ${data.bucket}", yaml, StringComparison.Ordinal);
    }
}
