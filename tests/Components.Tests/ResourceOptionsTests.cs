using Infra.Aws.S3;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

public class ResourceOptionsTests
{
    [Fact]
    public void Every_option_renders_under_its_pulumi_name()
    {
        var stack = new Stack("proj", "dev");
        var first = new Bucket(stack, "first", new BucketArgs());
        new Bucket(stack, "second", new BucketArgs(), new CustomResourceOptions
        {
            DependsOn = [first],
            Protect = true,
            IgnoreChanges = ["tags", "forceDestroy"],
            RetainOnDelete = true,
            DeleteBeforeReplace = true,
            ReplaceOnChanges = ["bucketPrefix"],
            Aliases = [new Alias { Name = "old-second" }, new Alias { Urn = "urn:pulumi:dev::proj::aws:s3/bucket:Bucket::legacy" }],
            CustomTimeouts = new CustomTimeouts { Create = "20m", Delete = "1h" },
            AdditionalSecretOutputs = ["bucket"],
        });

        var options = StackTemplate.FromStack(stack).At("resources", "second", "options");

        Assert.Equal(new List<object?> { "${first}" }, ProgramValues.At(options, "dependsOn"));
        Assert.Equal(true, ProgramValues.At(options, "protect"));
        Assert.Equal(new List<object?> { "forceDestroy", "tags" }, ProgramValues.At(options, "ignoreChanges"));
        Assert.Equal(true, ProgramValues.At(options, "retainOnDelete"));
        Assert.Equal(true, ProgramValues.At(options, "deleteBeforeReplace"));
        Assert.Equal(new List<object?> { "bucketPrefix" }, ProgramValues.At(options, "replaceOnChanges"));
        Assert.Equal("old-second", ProgramValues.At(options, "aliases", 0, "name"));
        Assert.Equal("urn:pulumi:dev::proj::aws:s3/bucket:Bucket::legacy", ProgramValues.At(options, "aliases", 1));
        Assert.Equal("20m", ProgramValues.At(options, "customTimeouts", "create"));
        Assert.Equal("1h", ProgramValues.At(options, "customTimeouts", "delete"));
        Assert.Equal(new List<object?> { "bucket" }, ProgramValues.At(options, "additionalSecretOutputs"));
    }

    [Fact]
    public void Every_resource_pins_the_provider_version_the_schema_check_used()
    {
        var stack = new Stack("proj", "dev");
        new Bucket(stack, "data", new BucketArgs());

        Assert.Equal("7.48.0", StackTemplate.FromStack(stack).At("resources", "data", "options", "version"));
    }

    [Fact]
    public void A_resource_without_options_or_properties_renders_only_what_is_set()
    {
        var stack = new Stack("proj", "dev");
        new BucketPublicAccessBlock(stack, "pab", new BucketPublicAccessBlockArgs { Bucket = "b" });

        var resource = StackTemplate.FromStack(stack).Resource("pab");

        Assert.Equal(["type", "properties", "options"], resource.Select(e => e.Key));
        Assert.Equal(["bucket"], ((Infra.Core.Synthesis.OrderedMap)ProgramValues.At(resource, "properties")!).Select(e => e.Key));
    }
}
