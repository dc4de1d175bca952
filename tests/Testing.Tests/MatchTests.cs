using Infra.Testing;

namespace Testing.Tests;

/// <summary>Each matcher on the program's data model, and what its failure says.</summary>
public class MatchTests
{
    private static readonly StackTemplate Template = SampleStacks.Buckets();

    private static ResourceAssertion Policy => Template.ResourceOf<Infra.Aws.Iam.RolePolicy>("reader-policy");

    private static object?[] Statements() => ((List<object?>)Policy.Property("policy", "fn::toJSON", "Statement")!).ToArray();

    [Fact]
    public void Exact_needs_every_key_and_item_and_reports_extra_keys()
    {
        Policy.HasProperty(Match.Exact(new { Effect = "Allow", Action = new[] { "kms:Decrypt" }, Resource = new[] { Match.ReferenceTo("models-key", "arn") } }),
            "policy", "fn::toJSON", "Statement", 1);

        var error = Assert.Throws<StackAssertionException>(() =>
            Policy.HasProperty(Match.Exact(new { Effect = "Allow", Action = new[] { "kms:Decrypt" } }), "policy", "fn::toJSON", "Statement", 1));

        Assert.Equal("resource 'reader-policy' (aws:iam/rolePolicy:RolePolicy) at properties.policy.fn::toJSON.Statement[1]: " +
            "expected no other keys than Effect, Action, found also Resource", error.Message);
    }

    [Fact]
    public void ObjectLike_allows_other_keys_at_every_depth_and_names_the_path_of_a_difference()
    {
        Policy.HasProperties(new { policy = new { fn_toJSON = Match.Absent() } });
        Policy.HasProperties(Match.ObjectLike(new Dictionary<string, object?> { ["policy"] = new Dictionary<string, object?> { ["fn::toJSON"] = new { Version = "2012-10-17" } } }));

        var error = Assert.Throws<StackAssertionException>(() =>
            Policy.HasProperties(new Dictionary<string, object?> { ["policy"] = new Dictionary<string, object?> { ["fn::toJSON"] = new { Version = "2008-10-17" } } }));

        Assert.Equal("resource 'reader-policy' (aws:iam/rolePolicy:RolePolicy) at properties.policy.fn::toJSON.Version: expected '2008-10-17', found '2012-10-17'", error.Message);
    }

    [Fact]
    public void A_list_inside_a_pattern_must_have_the_same_length()
    {
        var error = Assert.Throws<StackAssertionException>(() => Policy.HasProperty(new[] { "s3:GetObject" }, "policy", "fn::toJSON", "Statement", 0, "Action"));

        Assert.Equal("resource 'reader-policy' (aws:iam/rolePolicy:RolePolicy) at properties.policy.fn::toJSON.Statement[0].Action: " +
            "expected a list of 1, found a list of 2: ['s3:GetObject', 's3:ListBucket']", error.Message);
    }

    [Fact]
    public void ArrayWith_finds_items_in_any_order_and_gives_each_pattern_its_own_item()
    {
        var actions = Match.ArrayWith("s3:ListBucket", "s3:GetObject");
        Assert.True(actions.Matches(new List<object?> { "s3:GetObject", "s3:PutObject", "s3:ListBucket" }));

        // Both patterns fit the first item, only one fits the second: a greedy choice would fail.
        var both = Match.ArrayWith(Match.StringLike("^s3:"), "s3:GetObject");
        Assert.True(both.Matches(new List<object?> { "s3:GetObject", "s3:ListBucket" }));
        Assert.False(Match.ArrayWith("s3:GetObject", "s3:GetObject").Matches(new List<object?> { "s3:GetObject" }));

        var error = Assert.Throws<StackAssertionException>(() =>
            Policy.HasProperty(Match.ArrayWith(new { Action = Match.ArrayWith("s3:PutObject") }), "policy", "fn::toJSON", "Statement"));
        // The list is shown shortened to one readable line.
        Assert.StartsWith("resource 'reader-policy' (aws:iam/rolePolicy:RolePolicy) at properties.policy.fn::toJSON.Statement: " +
            "expected a list with items matching {Action: a list with items matching 's3:PutObject'}, found no item matching " +
            "{Action: a list with items matching 's3:PutObject'} among [{Action: ['s3:GetObject', 's3:ListBucket'], Effect: 'Allow', ", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("...", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArrayWithInOrder_needs_the_patterns_order()
    {
        var list = new List<object?> { "a", "b", "c" };
        Assert.True(Match.ArrayWithInOrder("a", "c").Matches(list));
        Assert.False(Match.ArrayWithInOrder("c", "a").Matches(list));
        Assert.True(Match.ArrayWith("c", "a").Matches(list));

        var error = Assert.Throws<StackAssertionException>(() => Policy.HasProperty(Match.ArrayWithInOrder("s3:ListBucket", "s3:GetObject"), "policy", "fn::toJSON", "Statement", 0, "Action"));
        Assert.EndsWith("expected a list with items matching 's3:ListBucket', 's3:GetObject', in this order, found items that match only out of order or by sharing one item: ['s3:GetObject', 's3:ListBucket']",
            error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Absent_fails_on_a_present_key_and_AnyValue_on_a_missing_one()
    {
        var key = Template.ResourceOf<Infra.Aws.Kms.Key>("signing");
        key.HasProperties(new { policy = Match.Absent(), description = Match.AnyValue() });

        var present = Assert.Throws<StackAssertionException>(() => key.HasProperties(new { enableKeyRotation = Match.Absent() }));
        Assert.Equal("resource 'signing' (aws:kms/key:Key) at properties.enableKeyRotation: expected no value, found true", present.Message);

        var missing = Assert.Throws<StackAssertionException>(() => key.HasProperties(new { policy = Match.AnyValue() }));
        Assert.Equal("resource 'signing' (aws:kms/key:Key) at properties.policy: expected any value, found no value", missing.Message);
        Assert.False(Match.AnyValue().Matches(null));
    }

    [Fact]
    public void StringLike_and_Not_match_by_regular_expression_and_negation()
    {
        var key = Template.ResourceOf<Infra.Aws.Kms.Key>("signing");
        key.HasProperties(new { description = Match.StringLike("receipts$"), enableKeyRotation = Match.Not(false) });

        var error = Assert.Throws<StackAssertionException>(() => key.HasProperties(new { description = Match.StringLike("^invoices") }));
        Assert.Equal("resource 'signing' (aws:kms/key:Key) at properties.description: expected a string like /^invoices/, found 'signs $$1 receipts'", error.Message);

        var not = Assert.Throws<StackAssertionException>(() => key.HasProperties(new { enableKeyRotation = Match.Not(true) }));
        Assert.Equal("resource 'signing' (aws:kms/key:Key) at properties.enableKeyRotation: expected not true, found true", not.Message);
    }

    [Fact]
    public void ReferenceTo_matches_the_whole_reference_and_Interpolating_one_inside_text()
    {
        Policy.HasProperties(new { role = Match.ReferenceTo("reader", "name") });
        var resources = Statements()[0];
        Assert.True(Match.ObjectLike(new { Resource = new object[] { Match.ReferenceTo("models-bucket", "arn"), Match.Interpolating("models-bucket", "arn") } })
            .Matches(resources, Template.Program));

        // "$${x}" is a literal dollar followed by text, not a reference.
        Assert.False(Match.Interpolating("models-bucket", "arn").Matches("arn:$${models-bucket.arn}", Template.Program));
        Assert.False(Match.Interpolating("models-bucket", "arn").Matches("$$$${models-bucket.arn}/x", Template.Program));
        Assert.True(Match.Interpolating("models-bucket", "arn").Matches("$$${models-bucket.arn}/x", Template.Program));

        var wrong = Assert.Throws<StackAssertionException>(() => Policy.HasProperty(Match.ReferenceTo("reader", "arn"), "role"));
        Assert.Equal("resource 'reader-policy' (aws:iam/rolePolicy:RolePolicy) at properties.role: expected a reference to ${reader.arn}, found '${reader.name}'", wrong.Message);

        var unknown = Assert.Throws<StackAssertionException>(() => Policy.HasProperty(Match.ReferenceTo("raeder", "name"), "role"));
        Assert.Equal("resource 'reader-policy' (aws:iam/rolePolicy:RolePolicy) at properties.role: expected a reference to ${raeder.name}, found no resource, variable or config key named 'raeder' in the program", unknown.Message);
    }

    [Fact]
    public void Call_matches_a_builtin_function_and_its_argument()
    {
        Policy.HasProperty(Match.Call("fn::toJSON", new { Version = "2012-10-17" }), "policy");

        var error = Assert.Throws<StackAssertionException>(() => Policy.HasProperty(Match.Call("fn::fileArchive", Match.AnyValue()), "policy"));
        Assert.Equal("resource 'reader-policy' (aws:iam/rolePolicy:RolePolicy):\n" +
            "  at properties.policy.fn::fileArchive: expected any value, found no value\n" +
            "  at properties.policy: expected no other keys than fn::fileArchive, found also fn::toJSON", error.Message);
    }

    [Fact]
    public void Numbers_compare_by_value_and_patterns_take_dictionaries_lists_and_anonymous_objects()
    {
        Assert.True(Match.Exact(30).Matches(30m));
        Assert.True(Match.Exact(30).Matches(30L));
        Assert.True(Match.Exact(0.5).Matches(0.5m));
        Assert.False(Match.Exact(30).Matches("30"));
        Assert.True(Match.Exact(new Dictionary<string, object?> { ["a"] = new List<int> { 1, 2 } })
            .Matches(new Infra.Core.Synthesis.OrderedMap { { "a", new List<object?> { 1L, 2L } } }));
        Assert.Equal("{a: [1, 2], b: any value}", Match.ObjectLike(new { a = new[] { 1, 2 }, b = Match.AnyValue() }).Description);
        Assert.Throws<ArgumentException>(() => Match.Exact(DayOfWeek.Monday));
        Assert.Throws<ArgumentException>(() => Match.Exact(new Uri("https://example.com")));
    }
}
