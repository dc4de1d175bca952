using SchemaCheck.TypeScript;
using Infra.Testing.Programs;

namespace SchemaCheck.Tests;

public class ProgramConverterTests
{
    private static GeneratedModule Convert(string yaml) => ProgramConverter.Convert(ProgramReader.Read(yaml), "test.yaml");

    private static string[] Statements(string yaml) =>
        Convert(yaml).Text.Split('\n').Where(line => line.StartsWith("const ", StringComparison.Ordinal)
            || line.StartsWith("export ", StringComparison.Ordinal) || line.StartsWith("declare ", StringComparison.Ordinal)).ToArray();

    [Fact]
    public void A_resource_becomes_new_class_with_inline_properties_and_options()
    {
        var statements = Statements("""
            resources:
              models-key:
                type: aws:kms:Key
              models-bucket:
                type: aws:s3/bucket:Bucket
                properties:
                  bucketPrefix: models-
                  forceDestroy: true
                  tags: { component: models, "team name": ml }
                options:
                  dependsOn: [ "${models-key}" ]
                  aliases: [ { name: old-bucket } ]
                  customTimeouts: { create: 10m }
            """);

        Assert.Equal(
            [
                "const r_models_key = new aws.kms.Key(\"models-key\", {});",
                "const r_models_bucket = new aws.s3.Bucket(\"models-bucket\", { bucketPrefix: \"models-\", forceDestroy: true, "
                    + "tags: { component: \"models\", \"team name\": \"ml\" } }, { dependsOn: [r_models_key], "
                    + "aliases: [{ name: \"old-bucket\" }], customTimeouts: { create: \"10m\" } });",
            ],
            statements);
    }

    [Fact]
    public void Resources_and_variables_are_declared_after_what_they_reference()
    {
        var statements = Statements("""
            resources:
              fn:
                type: aws:lambda:Function
                properties:
                  role: ${fn-role.arn}
              fn-role:
                type: aws:iam:Role
                properties:
                  name: ${prefix}
            variables:
              prefix: ${pulumi.stack}
            """);

        Assert.Equal(
            [
                "const v_prefix = yaml.pulumi.stack;",
                "const r_fn_role = new aws.iam.Role(\"fn-role\", { name: v_prefix });",
                "const r_fn = new aws.lambda.Function(\"fn\", { role: r_fn_role.arn });",
            ],
            statements);
    }

    [Fact]
    public void Interpolated_strings_become_pulumi_interpolate_templates_with_escaped_text()
    {
        var statements = Statements("""
            variables:
              id:
                fn::invoke:
                  function: aws:getCallerIdentity
              arn: "arn:aws:iam::${id.accountId}:root `$${literal}` \\ ${id.ids[0]}"
            """);

        Assert.Equal("const v_arn = pulumi.interpolate`arn:aws:iam::${v_id.accountId}:root \\`\\${literal}\\` \\\\ ${v_id.ids[0]}`;", statements[1]);
    }

    [Fact]
    public void Invokes_use_the_output_form_and_return_picks_a_property()
    {
        var statements = Statements("""
            variables:
              region:
                fn::invoke:
                  function: aws:getRegion
                  arguments: {}
                  return: region
              doc:
                fn::invoke:
                  function: aws:iam:getPolicyDocument
                  arguments:
                    statements:
                      - actions: [ "s3:GetObject" ]
                        resources: [ "arn:aws:s3:::b/${region}" ]
            """);

        Assert.Equal(
            [
                "const v_region = aws.getRegionOutput({}).region;",
                "const v_doc = aws.iam.getPolicyDocumentOutput({ statements: [{ actions: [\"s3:GetObject\"], resources: [pulumi.interpolate`arn:aws:s3:::b/${v_region}`] }] });",
            ],
            statements);
    }

    [Fact]
    public void Built_in_functions_map_to_pulumi_sdk_calls_and_typed_yaml_helpers()
    {
        var statements = Statements("""
            variables:
              policy:
                fn::toJSON: { Version: "2012-10-17", Statement: [] }
              joined:
                fn::join: [ "-", [ a, b ] ]
              first:
                fn::select: [ 0, [ a, b ] ]
              parts:
                fn::split: [ ",", "a,b" ]
              secret:
                fn::secret: s3cr3t
              encoded:
                fn::toBase64: text
              code:
                fn::assetArchive:
                  handler.py:
                    fn::stringAsset: print(1)
                  lib:
                    fn::fileArchive: ./lib
            """);

        Assert.Equal(
            [
                "const v_policy = pulumi.jsonStringify(pulumi.output({ Version: \"2012-10-17\", Statement: [] }));",
                "const v_joined = yaml.join(\"-\", [\"a\", \"b\"]);",
                "const v_first = yaml.select(0, [\"a\", \"b\"]);",
                "const v_parts = yaml.split(\",\", \"a,b\");",
                "const v_secret = pulumi.secret(\"s3cr3t\");",
                "const v_encoded = yaml.toBase64(\"text\");",
                "const v_code = new pulumi.asset.AssetArchive({ \"handler.py\": new pulumi.asset.StringAsset(\"print(1)\"), lib: new pulumi.asset.FileArchive(\"./lib\") });",
            ],
            statements);
    }

    [Fact]
    public void Config_keys_are_declared_with_their_types_and_secrets_are_outputs()
    {
        var statements = Statements("""
            config:
              alarmEmail: { type: string, secret: true }
              memoryMb: { type: integer, default: 2048 }
              zones: { type: List<String> }
              debug: { default: false }
              aws:region: eu-west-1
            outputs:
              region: ${aws:region}
            """);

        Assert.Equal(
            [
                "declare const c_alarmEmail: pulumi.Output<string>;",
                "declare const c_memoryMb: number;",
                "declare const c_zones: string[];",
                "declare const c_debug: boolean;",
                "declare const c_aws_region: string;",
                "export const o_region = c_aws_region;",
            ],
            statements);
    }

    [Fact]
    public void Scalars_keep_their_yaml_types_and_quoted_ones_stay_strings()
    {
        var statements = Statements("""
            variables:
              values: [ 512, -1.5, 1e3, true, "true", "512", null, yes ]
            """);

        Assert.Equal("const v_values = [512, -1.5, 1000, true, \"true\", \"512\", undefined, \"yes\"];", statements[0]);
    }

    [Fact]
    public void Json_programs_convert_like_yaml()
    {
        var statements = Statements("""
            {"resources": {"b": {"type": "aws:s3:Bucket", "properties": {"forceDestroy": true, "bucketPrefix": "${pulumi.project}-"}}}}
            """);

        Assert.Equal("const r_b = new aws.s3.Bucket(\"b\", { forceDestroy: true, bucketPrefix: pulumi.interpolate`${yaml.pulumi.project}-` });", statements[0]);
    }

    [Fact]
    public void Every_generated_position_maps_back_to_its_yaml_place()
    {
        var module = Convert("""
            resources:
              sse:
                type: aws:s3:BucketServerSideEncryptionConfiguration
                properties:
                  rules:
                    - applyServerSideEncryptionByDefault:
                        sseAlgorithm: aws:kms
            """);

        var offset = module.Text.IndexOf("sseAlgorithm", StringComparison.Ordinal);
        var location = module.Locate(offset);

        Assert.NotNull(location);
        Assert.Equal(new ProgramEntity("resource", "sse", "aws:s3:BucketServerSideEncryptionConfiguration"), location.Entity);
        Assert.Equal("properties.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm", location.Path);
        Assert.Equal(new SourceMark(7, 13), location.Mark);
    }

    [Fact]
    public void The_class_reference_of_each_resource_and_invoke_is_recorded_for_the_token_check()
    {
        var module = Convert("""
            variables:
              region: { fn::invoke: { function: aws:getRegion } }
            resources:
              b: { type: "aws:s3/bucket:Bucket" }
            """);

        Assert.Equal(["aws:getRegion", "aws:s3/bucket:Bucket"], module.TokenChecks.Select(c => c.YamlToken));
        Assert.All(module.TokenChecks, c => Assert.Equal(c.Target.TypeScriptPath, module.Text[c.Start..c.End]));
    }

    [Fact]
    public void Generated_text_is_ascii_so_offsets_agree_with_typescript()
    {
        var module = Convert("""
            resources:
              b:
                type: aws:s3:Bucket
                properties:
                  tags: { owner: "Zoë ${pulumi.stack}", plain: "naïve" }
            """);

        Assert.All(module.Text, c => Assert.True(c < 128, $"non-ASCII character U+{(int)c:X4}"));
        Assert.Contains("pulumi.interpolate`Zo\\u00eb ${yaml.pulumi.stack}`", module.Text, StringComparison.Ordinal);
    }
}
