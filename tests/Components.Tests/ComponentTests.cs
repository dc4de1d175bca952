using Infra.Aws.S3;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

public class ComponentTests
{
    private sealed class Store : ComponentResource
    {
        public Store(IScope scope, string name, ComponentResourceOptions? options = null)
            : base("test:Store", scope, name, options)
        {
            Bucket = new Bucket(this, "bucket", new BucketArgs { Tags = new InputMap<string> { ["stack"] = "overridden", ["team"] = "ml" } });
            new BucketPublicAccessBlock(this, "pab", new BucketPublicAccessBlockArgs { Bucket = Bucket.BucketName });
        }

        public Bucket Bucket { get; }
    }

    private sealed class Platform : ComponentResource
    {
        public Platform(IScope scope, string name)
            : base("test:Platform", scope, name) => new Store(this, "store");
    }

    [Fact]
    public void A_component_prefixes_its_resources_and_exposes_typed_outputs()
    {
        var stack = new Stack("proj", "dev");
        var store = new Store(stack, "models");
        stack.Export("bucket", store.Bucket.BucketName);

        var template = StackTemplate.FromStack(stack);

        Assert.True(template.Has("resources", "models-bucket"));
        Assert.True(template.Has("resources", "models-pab"));
        Assert.Equal("${models-bucket.bucket}", template.Property("models-pab", "bucket"));
        Assert.Equal("${models-bucket.bucket}", template.At("outputs", "bucket"));
    }

    [Fact]
    public void Every_taggable_resource_carries_project_stack_component_and_caller_tags()
    {
        var stack = new Stack("proj", "prod");
        new Store(stack, "models", new ComponentResourceOptions { Tags = new Dictionary<string, string> { ["cost-center"] = "42" } });

        var tags = StackTemplate.FromStack(stack).Property("models-bucket", "tags");

        Assert.Equal("proj", ProgramValues.At(tags, "project"));
        Assert.Equal("models", ProgramValues.At(tags, "component"));
        Assert.Equal("test:Store", ProgramValues.At(tags, "component-type"));
        Assert.Equal("42", ProgramValues.At(tags, "cost-center"));
        Assert.Equal("ml", ProgramValues.At(tags, "team"));
        Assert.Equal("overridden", ProgramValues.At(tags, "stack")); // explicit tags win over defaults
    }

    [Fact]
    public void Resources_that_take_no_tags_get_none()
    {
        var stack = new Stack("proj", "dev");
        new Store(stack, "models");

        Assert.False(StackTemplate.FromStack(stack).Has("resources", "models-pab", "properties", "tags"));
    }

    [Fact]
    public void Nested_components_chain_their_prefixes_and_paths()
    {
        var stack = new Stack("proj", "dev");
        new Platform(stack, "api");

        var template = StackTemplate.FromStack(stack);

        Assert.True(template.Has("resources", "api-store-bucket"));
        Assert.Equal("api/store", template.Property("api-store-bucket", "tags", "component"));
    }

    [Fact]
    public void Renaming_a_component_aliases_every_child_to_its_old_name_so_nothing_is_replaced()
    {
        var stack = new Stack("proj", "dev");
        new Store(stack, "model-store", new ComponentResourceOptions { FormerNames = ["models"] });

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("models-bucket", template.At("resources", "model-store-bucket", "options", "aliases", 0, "name"));
        Assert.Equal("models-pab", template.At("resources", "model-store-pab", "options", "aliases", 0, "name"));
    }
}
