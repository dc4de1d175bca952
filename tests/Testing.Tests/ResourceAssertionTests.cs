using Infra.Aws.Iam;
using Infra.Aws.Kms;
using Infra.Aws.S3;
using Infra.Components;
using Infra.Testing;

namespace Testing.Tests;

/// <summary>Finding resources and components, and asserting their properties and options.</summary>
public class ResourceAssertionTests
{
    private static readonly StackTemplate Template = SampleStacks.Buckets();

    [Fact]
    public void Resources_are_found_by_generated_class_by_type_token_and_by_name()
    {
        Assert.Equal(["artifacts-bucket", "models-bucket"], Template.ResourcesOf<Bucket>().Select(r => r.LogicalName));
        Assert.Equal(["artifacts-key", "models-key", "signing"], Template.ResourcesOf("aws:kms/key:Key").Select(r => r.LogicalName));
        Assert.Equal("aws:s3/bucket:Bucket", StackTemplate.TypeTokenOf<Bucket>());
        Assert.Equal(Template.ResourceNames, Template.Resources.Select(r => r.LogicalName));

        var bucket = Template.ResourceOf<Bucket>("models-bucket");
        Assert.Equal("aws:s3/bucket:Bucket", bucket.Type);
        Assert.Equal("models", bucket.ComponentPath);
        Assert.IsType<Bucket>(bucket.Resource);
        Assert.Equal("resource 'models-bucket' (aws:s3/bucket:Bucket)", bucket.ToString());
        Assert.Equal("aws:s3/bucket:Bucket", bucket.Declaration.Single(e => e.Key == "type").Value);
        Assert.Equal(2, Template.ResourceCountIs<Bucket>(2).ResourcesOf<Bucket>().Count);
    }

    [Fact]
    public void A_lookup_of_the_wrong_type_names_the_type_the_resource_has()
    {
        var error = Assert.Throws<StackAssertionException>(() => Template.ResourceOf<Infra.Aws.Lambda.Function>("models-bucket"));

        Assert.Equal("resource 'models-bucket': expected type aws:lambda/function:Function, found aws:s3/bucket:Bucket", error.Message);
    }

    [Fact]
    public void A_lookup_of_a_missing_name_lists_the_resources_of_the_type()
    {
        var error = Assert.Throws<StackAssertionException>(() => Template.ResourceOf<Bucket>("model-bucket"));
        var none = Assert.Throws<StackAssertionException>(() => Template.ResourceOf<Infra.Aws.Lambda.Function>("api-function"));

        Assert.Equal("resource 'model-bucket' (aws:s3/bucket:Bucket): expected in the program, found none (resources of type aws:s3/bucket:Bucket: artifacts-bucket, models-bucket)", error.Message);
        Assert.Equal("resource 'api-function' (aws:lambda/function:Function): expected in the program, found none and no resource of type aws:lambda/function:Function", none.Message);
    }

    [Fact]
    public void A_class_without_a_type_token_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Template.ResourcesOf<Infra.Core.CustomResource>());

        Assert.Equal("Infra.Core.CustomResource has no PulumiType constant: use a generated resource class (Infra.Aws.*) or pass the type token", error.Message);
    }

    [Fact]
    public void A_wrong_count_lists_what_was_found()
    {
        var error = Assert.Throws<StackAssertionException>(() => Template.ResourceCountIs<Key>(2));
        var zero = Assert.Throws<StackAssertionException>(() => Template.ResourceCountIs("aws:sqs/queue:Queue", 1));

        Assert.Equal("resources of type aws:kms/key:Key: expected 2, found 3: artifacts-key, models-key, signing", error.Message);
        Assert.Equal("resources of type aws:sqs/queue:Queue: expected 1, found 0", zero.Message);
    }

    [Fact]
    public void HasResourceProperties_returns_the_first_match_and_shows_how_each_candidate_differs()
    {
        Assert.Equal("artifacts-bucket", Template.HasResourceProperties<Bucket>(new { forceDestroy = true }).LogicalName);
        Assert.Equal(["artifacts-bucket"], Template.FindResources<Bucket>(new { forceDestroy = true }).Select(r => r.LogicalName));
        Assert.Equal(2, Template.FindResources<Bucket>().Count);
        Assert.Same(Template, Template.ResourcePropertiesCountIs<Bucket>(new { tags = new { stack = "dev" } }, 2));
        Assert.Equal("resources of type aws:s3/bucket:Bucket with properties {forceDestroy: true}: expected 2, found 1: artifacts-bucket",
            Assert.Throws<StackAssertionException>(() => Template.ResourcePropertiesCountIs<Bucket>(new { forceDestroy = true }, 2)).Message);

        var error = Assert.Throws<StackAssertionException>(() => Template.HasResourceProperties<Bucket>(new { forceDestroy = false, tags = new { stack = "dev" } }));
        Assert.Equal("resources of type aws:s3/bucket:Bucket: expected one with properties {forceDestroy: false, tags: {stack: 'dev'}}, found 2 that differ:\n" +
            "  resource 'artifacts-bucket' (aws:s3/bucket:Bucket):\n    at properties.forceDestroy: expected false, found true\n" +
            "  resource 'models-bucket' (aws:s3/bucket:Bucket):\n    at properties.forceDestroy: expected false, found no value", error.Message);

        var noType = Assert.Throws<StackAssertionException>(() => Template.HasResourceProperties<Infra.Aws.Sqs.Queue>(new { }));
        Assert.StartsWith("resources of type aws:sqs/queue:Queue: expected one with properties {}, found no resource of this type (types in the program: aws:iam/role:Role, ", noType.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Properties_are_read_and_asserted_by_path()
    {
        var key = Template.ResourceOf<Key>("signing");

        Assert.Equal("signs $$1 receipts", key.Property("description"));
        Assert.Same(key, key.HasProperty("dev", "tags", "stack").HasProperty(Match.Absent(), "policy"));
        var error = Assert.Throws<StackAssertionException>(() => key.HasProperty("prod", "tags", "stack"));
        Assert.Equal("resource 'signing' (aws:kms/key:Key) at properties.tags.stack: expected 'prod', found 'dev'", error.Message);
        var missing = Assert.Throws<StackAssertionException>(() => key.HasProperty("x", "tags", "owner"));
        Assert.Equal("resource 'signing' (aws:kms/key:Key) at properties.tags.owner: expected 'x', found no value", missing.Message);
    }

    [Fact]
    public void Options_dependencies_and_references_are_asserted()
    {
        var policy = Template.ResourceOf<RolePolicy>("reader-policy");

        policy.DependsOn("signing").References("reader").References("models-bucket").RetainsOnDelete().HasAlias("old-reader-policy").IgnoresChanges("name").IsNotProtected();
        Assert.Equal(true, ProgramValues.At(policy.Options, "retainOnDelete"));

        Assert.Equal("resource 'reader-policy' (aws:iam/rolePolicy:RolePolicy) at options.dependsOn: expected '${models-key}', found '${signing}'",
            Assert.Throws<StackAssertionException>(() => policy.DependsOn("models-key")).Message);
        Assert.Equal("resource 'reader' (aws:iam/role:Role) at options.dependsOn: expected '${signing}', found no dependsOn",
            Assert.Throws<StackAssertionException>(() => Template.ResourceOf<Role>("reader").DependsOn("signing")).Message);
        Assert.Equal("resource 'reader-policy' (aws:iam/rolePolicy:RolePolicy) at properties: expected an input referencing 'signing', found references to models-bucket (in policy), models-key (in policy), reader (in role)",
            Assert.Throws<StackAssertionException>(() => policy.References("signing")).Message);
        Assert.Equal("resource 'reader-policy' (aws:iam/rolePolicy:RolePolicy) at options.protect: expected true, found not set",
            Assert.Throws<StackAssertionException>(() => policy.IsProtected()).Message);
        Assert.Equal("resource 'reader-policy' (aws:iam/rolePolicy:RolePolicy) at options.aliases: expected an alias 'reader-policy-v0', found 'old-reader-policy'",
            Assert.Throws<StackAssertionException>(() => policy.HasAlias("reader-policy-v0")).Message);
        Assert.Equal("resource 'reader-policy' (aws:iam/rolePolicy:RolePolicy) at options.ignoreChanges: expected 'name', 'policy', found 'name'",
            Assert.Throws<StackAssertionException>(() => policy.IgnoresChanges("name", "policy")).Message);
        Assert.Equal("resource 'signing' (aws:kms/key:Key) at options.retainOnDelete: expected true, found not set",
            Assert.Throws<StackAssertionException>(() => Template.ResourceOf<Key>("signing").RetainsOnDelete()).Message);
        Assert.Equal("resource 'missing': expected in the program, found none",
            Assert.Throws<StackAssertionException>(() => policy.DependsOn("missing")).Message);
    }

    [Fact]
    public void Protection_aliases_of_a_renamed_component_and_membership_are_asserted()
    {
        var bucket = Template.ResourceOf<Bucket>("models-bucket");

        bucket.IsProtected().HasAlias("weights-bucket").IsPartOf("models");
        Assert.Equal("resource 'models-bucket' (aws:s3/bucket:Bucket) at options.protect: expected no protect or false, found true",
            Assert.Throws<StackAssertionException>(() => bucket.IsNotProtected()).Message);
        Assert.Equal("resource 'models-bucket' (aws:s3/bucket:Bucket) at (component): expected component 'artifacts', found component 'models'",
            Assert.Throws<StackAssertionException>(() => bucket.IsPartOf("artifacts")).Message);
        Assert.Equal("resource 'signing' (aws:kms/key:Key) at (component): expected component 'models', found a resource of the stack itself",
            Assert.Throws<StackAssertionException>(() => Template.ResourceOf<Key>("signing").IsPartOf("models")).Message);
    }

    [Fact]
    public void Components_are_found_by_class_and_type_token_with_their_resources()
    {
        Assert.Equal(["models", "artifacts"], Template.ComponentsOf<EncryptedBucket>().Select(c => c.Path));
        var models = Template.ComponentsOf("ml:EncryptedBucket")[0];
        Assert.Equal("component 'models' (ml:EncryptedBucket)", models.ToString());
        Assert.Equal("ml:EncryptedBucket", models.Type);
        Assert.IsType<EncryptedBucket>(models.Component);
        Assert.Contains("models-bucket", models.Resources.Select(r => r.LogicalName));
        Assert.DoesNotContain("signing", models.Resources.Select(r => r.LogicalName));
        Assert.Equal(["models-key"], models.ResourceCountIs<Key>(1).ResourcesOf<Key>().Select(r => r.LogicalName));
        Assert.Same(Template, Template.ComponentCountIs<EncryptedBucket>(2));

        Assert.Equal("component 'models' (ml:EncryptedBucket): expected 2 resources of type aws:kms/key:Key, found 1: models-key",
            Assert.Throws<StackAssertionException>(() => models.ResourceCountIs<Key>(2)).Message);
        Assert.Equal("components of type InferenceFunction: expected 1, found 0",
            Assert.Throws<StackAssertionException>(() => Template.ComponentCountIs<InferenceFunction>(1)).Message);
        Assert.Equal("component 'api': expected in the stack, found only models (ml:EncryptedBucket), artifacts (ml:EncryptedBucket)",
            Assert.Throws<StackAssertionException>(() => Template.Component("api")).Message);
        Assert.Equal("models", Template.Component("models").Path);
    }

    [Fact]
    public void Outputs_and_the_first_pieces_members_read_the_program()
    {
        Assert.Equal("${models-bucket.bucket}", Template.Output("modelsBucket"));
        Template.HasOutput("modelsBucket", Match.ReferenceTo("models-bucket", "bucket"));
        Assert.Equal("output 'modelsBucket' at outputs.modelsBucket: expected 'x', found '${models-bucket.bucket}'",
            Assert.Throws<StackAssertionException>(() => Template.HasOutput("modelsBucket", "x")).Message);
        Assert.Equal("output 'url': expected in the program, found only modelsBucket",
            Assert.Throws<StackAssertionException>(() => Template.Output("url")).Message);

        Assert.True(Template.Has("resources", "signing"));
        Assert.Equal("aws:kms/key:Key", Template.At("resources", "signing", "type"));
        Assert.Equal("aws:kms/key:Key", Template.Resource("signing").Single(e => e.Key == "type").Value);
        Assert.Equal(true, Template.Property("signing", "enableKeyRotation"));
    }
}
