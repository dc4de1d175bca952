using Infra.Aws.Iam;
using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

/// <summary>Grants are named after their grantee and made once, so the order of the calls never renames a resource.</summary>
public class GrantTests
{
    private static readonly CodeDirectory Code = new("fn", "/nonexistent");

    private static IReadOnlyList<string> GrantNames(bool readerFirst)
    {
        var stack = new Stack("proj", "dev");
        var bucket = new EncryptedBucket(stack, "data");
        var reader = new InferenceFunction(stack, "reader", new InferenceFunctionArgs { Code = Code });
        var writer = new Role(stack, "writer", new RoleArgs { AssumeRolePolicy = "{}" });
        var waf = new Waf(stack, "edge");
        var first = RestApiEndpointTests.NewEndpoint(stack);
        Action[] grants =
        [
            () => bucket.GrantRead(reader, "in/"),
            () => bucket.GrantWrite(writer, "out/"),
            () => reader.GrantInvoke(new RoleGrantee(writer)),
            () => waf.Associate(first),
            () => waf.Associate("canary", first.RestApiId, "canary"),
        ];
        foreach (var grant in readerFirst ? grants : grants.Reverse())
        {
            grant();
        }

        return [.. stack.Resources.Select(r => r.LogicalName).Where(n => n.Contains("grant-", StringComparison.Ordinal) || n.Contains("association", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
    }

    [Fact]
    public void Reordering_grants_gives_the_same_resource_names()
    {
        Assert.Equal(
            ["data-grant-read-reader", "data-grant-write-writer", "edge-association-api", "edge-association-canary", "reader-grant-invoke-writer"],
            GrantNames(readerFirst: true));
        Assert.Equal(GrantNames(readerFirst: true), GrantNames(readerFirst: false));
    }

    [Fact]
    public void Granting_the_same_access_twice_returns_the_first_grant()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new EncryptedBucket(stack, "data");
        var function = new InferenceFunction(stack, "reader", new InferenceFunctionArgs { Code = Code });

        Assert.Same(bucket.GrantRead(function, "in/"), bucket.GrantRead(function, "in/"));
        Assert.Same(function.GrantInvoke(function), function.GrantInvoke(function));
        var error = Assert.Throws<SynthesisException>(() => bucket.GrantRead(function, "other/"));
        Assert.Contains("'grant-read-reader' was already granted with grantee 'reader' and prefix 'in/', not grantee 'reader' and prefix 'other/'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grant_is_named_after_the_grantee_relative_to_the_granting_components_parent()
    {
        var stack = new Stack("proj", "dev");
        var pattern = new Waf(stack, "pipeline");
        var bucket = new EncryptedBucket(pattern, "input");
        var inside = new InferenceFunction(pattern, "function", new InferenceFunctionArgs { Code = Code });
        var outside = new InferenceFunction(stack, "scorer", new InferenceFunctionArgs { Code = Code });

        Assert.Equal("pipeline-input-grant-read-function", bucket.GrantRead(inside).LogicalName);
        Assert.Equal("pipeline-input-grant-read-scorer", bucket.GrantRead(outside).LogicalName);
    }

    [Fact]
    public void A_grantee_whose_name_would_make_the_grant_too_long_is_named_by_a_hash_of_its_path()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new EncryptedBucket(stack, "input");
        var far = new RoleGrantee(new Role(stack, "a-role-with-a-name-long-enough-to-overflow-a-grant", new RoleArgs { AssumeRolePolicy = "{}" }));

        var grant = bucket.GrantRead(far);

        Assert.Matches("^input-grant-read-[0-9a-f]{8}$", grant.LogicalName);
        Assert.Same(grant, bucket.GrantRead(far));
    }

    [Fact]
    public void Two_grantees_with_the_same_relative_name_are_an_error_not_one_grant()
    {
        var stack = new Stack("proj", "dev");
        var pattern = new Waf(stack, "pipeline");
        var bucket = new EncryptedBucket(pattern, "input");
        bucket.GrantRead(new InferenceFunction(pattern, "scorer", new InferenceFunctionArgs { Code = Code }));

        var error = Assert.Throws<SynthesisException>(() => bucket.GrantRead(new InferenceFunction(stack, "scorer", new InferenceFunctionArgs { Code = Code })));

        Assert.Contains("was already granted with grantee 'pipeline/scorer'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grant_renamed_from_its_numbered_name_keeps_that_name_as_an_alias()
    {
        var stack = new Stack("proj", "dev");
        var bucket = new EncryptedBucket(stack, "data");
        var function = new InferenceFunction(stack, "reader", new InferenceFunctionArgs { Code = Code });
        bucket.GrantRead(function, "in/");
        bucket.GrantWrite(function, "out/");

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("data-grant-read-1", template.At("resources", "data-grant-read-reader", "options", "aliases", 0, "name"));
        Assert.Equal("data-grant-write-2", template.At("resources", "data-grant-write-reader", "options", "aliases", 0, "name"));
    }

    [Fact]
    public void Invoking_the_function_is_granted_on_its_live_alias_only()
    {
        var stack = new Stack("proj", "dev");
        var function = new InferenceFunction(stack, "scorer", new InferenceFunctionArgs { Code = Code });
        var caller = new Role(stack, "caller", new RoleArgs { AssumeRolePolicy = "{}" });
        function.GrantInvoke(new RoleGrantee(caller));

        var template = StackTemplate.FromStack(stack);

        Assert.Equal("${caller.name}", template.Property("scorer-grant-invoke-caller", "role"));
        Assert.Equal("${scorer-alias.arn}", template.Property("scorer-grant-invoke-caller", "policy", "fn::toJSON", "Statement", 0, "Resource"));
        Assert.Equal(new List<object?> { "lambda:InvokeFunction" }, template.Property("scorer-grant-invoke-caller", "policy", "fn::toJSON", "Statement", 0, "Action"));
    }

    [Fact]
    public void Reading_a_predictions_log_is_granted_on_its_table_its_indexes_and_its_key_and_nothing_that_writes()
    {
        var stack = new Stack("proj", "dev");
        var api = new RestInferenceApi(stack, "embed", RestInferenceApiTests.Args() with { PredictionLogSampleRate = 0.1 });
        var batch = new BatchInference(stack, "batch", new BatchInferenceArgs
        {
            Function = new InferenceFunctionArgs { Code = Code, Timeout = TimeSpan.FromSeconds(120) },
            ModelName = "ppocr-cls",
            ModelVersion = "2.0.0",
            Notifications = new AlarmNotifications(stack, "alerts"),
        });
        var analyst = new RoleGrantee(new Role(stack, "analyst", new RoleArgs { AssumeRolePolicy = "{}" }));

        Assert.Same(api.GrantReadPredictions(analyst), api.GrantReadPredictions(analyst));
        batch.GrantReadPredictions(analyst);
        var template = StackTemplate.FromStack(stack);

        foreach (var (grant, table, key) in new[]
                 {
                     ("embed-grant-read-predictions-analyst", "embed-predictions", "embed-data-key"),
                     ("batch-grant-read-predictions-analyst", "batch-predictions", "batch-key"),
                 })
        {
            var statements = PolicyStatements.Of(template, grant);
            var read = PolicyStatements.Sid(statements, "ReadPredictions");
            Assert.Equal(new List<object?> { $"${{{table}.arn}}", $"${{{table}.arn}}/index/*" }, ProgramValues.At(read, "Resource"));
            var actions = (List<object?>)ProgramValues.At(read, "Action")!;
            Assert.Contains("dynamodb:Query", actions);
            Assert.All(actions, action => Assert.DoesNotMatch("Put|Update|Delete|Write", (string)action!));
            Assert.Equal($"${{{key}.arn}}", ProgramValues.At(PolicyStatements.Sid(statements, "DecryptPredictions"), "Resource"));
            Assert.Equal("${analyst.name}", template.Property(grant, "role"));
        }
    }

    [Fact]
    public void An_api_that_keeps_no_predictions_log_refuses_to_grant_reading_one()
    {
        var stack = new Stack("proj", "dev");
        var api = new RestInferenceApi(stack, "embed", RestInferenceApiTests.Args());

        var error = Assert.Throws<SynthesisException>(() => api.GrantReadPredictions(api.Function));
        Assert.Contains("embed", error.Message, StringComparison.Ordinal);
        Assert.Contains("set PredictionLogSampleRate", error.Message, StringComparison.Ordinal);
    }
}
