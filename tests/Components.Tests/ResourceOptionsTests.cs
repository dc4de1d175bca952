using Infra.Aws.S3;
using Infra.Core;
using static Components.Tests.ProgramAssertions;

namespace Components.Tests;

public class ResourceOptionsTests
{
    [Fact]
    public void Every_option_renders_under_its_pulumi_name()
    {
        var stack = NewStack();
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

        var options = At(Synth(stack), "resources", "second", "options");

        Assert.Equal(new List<object?> { "${first}" }, At(options, "dependsOn"));
        Assert.Equal(true, At(options, "protect"));
        Assert.Equal(new List<object?> { "forceDestroy", "tags" }, At(options, "ignoreChanges"));
        Assert.Equal(true, At(options, "retainOnDelete"));
        Assert.Equal(true, At(options, "deleteBeforeReplace"));
        Assert.Equal(new List<object?> { "bucketPrefix" }, At(options, "replaceOnChanges"));
        Assert.Equal("old-second", At(options, "aliases", 0, "name"));
        Assert.Equal("urn:pulumi:dev::proj::aws:s3/bucket:Bucket::legacy", At(options, "aliases", 1));
        Assert.Equal("20m", At(options, "customTimeouts", "create"));
        Assert.Equal("1h", At(options, "customTimeouts", "delete"));
        Assert.Equal(new List<object?> { "bucket" }, At(options, "additionalSecretOutputs"));
    }

    [Fact]
    public void Every_resource_pins_the_provider_version_the_schema_check_used()
    {
        var stack = NewStack();
        new Bucket(stack, "data", new BucketArgs());

        Assert.Equal("7.48.0", At(Synth(stack), "resources", "data", "options", "version"));
    }

    [Fact]
    public void A_resource_without_options_or_properties_renders_only_what_is_set()
    {
        var stack = NewStack();
        new BucketPublicAccessBlock(stack, "pab", new BucketPublicAccessBlockArgs { Bucket = "b" });

        var resource = Resource(Synth(stack), "pab");

        Assert.Equal(["type", "properties", "options"], resource.Select(e => e.Key));
        Assert.Equal(["bucket"], ((Infra.Core.Synthesis.OrderedMap)At(resource, "properties")!).Select(e => e.Key));
    }
}
