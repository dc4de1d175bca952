using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Infra.Testing.Programs;

namespace Infra.Testing.Access.Evaluation;

/// <summary>
/// A deterministic model of each resource type's state after create, as AWS and the Pulumi AWS provider (v7) report
/// it: physical names from the name input or Pulumi's autonaming (the logical name, '-', 7 random lowercase hex
/// characters, drawn here from a hash of the name so runs agree), and ARNs in each service's format. Only the types
/// the team stacks use are modelled; a new type fails <see cref="Outputs"/> until it is added here.
/// </summary>
public sealed class ResourceOutputModel(DeploymentTarget target)
{
    private delegate void Computes(ResourceState state);

    private readonly Dictionary<string, Computes> _types = new(StringComparer.Ordinal)
    {
        [Infra.Aws.S3.Bucket.PulumiType] = s =>
        {
            var bucket = s.Name("bucket", lowerCase: true);
            s.Set("id", bucket).Set("arn", $"arn:aws:s3:::{bucket}")
                .Set("bucketDomainName", $"{bucket}.s3.amazonaws.com").Set("bucketRegionalDomainName", $"{bucket}.s3.{s.Region}.amazonaws.com")
                .Set("region", s.Region);
        },
        [Infra.Aws.S3.BucketObject.PulumiType] = s => s.Set("id", s.Text("key")).Set("versionId", s.Hex("version", 32)).Set("etag", s.Hex("etag", 32))
            .Set("arn", $"arn:aws:s3:::{s.Text("bucket")}/{s.Text("key")}"),
        [Infra.Aws.Kms.Key.PulumiType] = s =>
        {
            var keyId = s.Uuid();
            s.Set("keyId", keyId).Set("id", keyId).Set("arn", $"arn:aws:kms:{s.Region}:{s.Account}:key/{keyId}");
        },
        [Infra.Aws.Kms.Alias.PulumiType] = s => s.Set("id", s.Text("name")).Set("arn", $"arn:aws:kms:{s.Region}:{s.Account}:{s.Text("name")}"),
        [Infra.Aws.Iam.Role.PulumiType] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:iam::{s.Account}:role{s.Optional("path") ?? "/"}{name}").Set("uniqueId", "AROA" + s.Hex("unique", 17).ToUpperInvariant());
        },
        [Infra.Aws.Iam.RolePolicyAttachment.PulumiType] = s => s.Set("id", $"{s.Text("role")}-{s.Hex("attachment", 26)}"),
        [Infra.Aws.Iam.RolePolicy.PulumiType] = s => s.Set("id", $"{s.Text("role")}:{s.Name("name")}"),
        [Infra.Aws.Iam.RolePolicyAttachment.PulumiType] = s => s.Set("id", $"{s.Text("role")}-{s.Hex("id", 20)}"),
        [Infra.Aws.Lambda.Function.PulumiType] = s =>
        {
            var name = s.Name("name");
            var arn = $"arn:aws:lambda:{s.Region}:{s.Account}:function:{name}";
            // publish: true makes the create publish version 1; without it the function has only $LATEST.
            var version = s.Inputs["publish"]?.GetValue<bool>() == true ? "1" : "$LATEST";
            s.Set("id", name).Set("arn", arn).Set("version", version).Set("qualifiedArn", $"{arn}:{version}")
                .Set("invokeArn", InvokeArn(s.Region, arn)).Set("qualifiedInvokeArn", InvokeArn(s.Region, $"{arn}:{version}"));
        },
        [Infra.Aws.Lambda.Alias.PulumiType] = s =>
        {
            var function = s.Text("functionName");
            var functionArn = function.StartsWith("arn:", StringComparison.Ordinal) ? function : $"arn:aws:lambda:{s.Region}:{s.Account}:function:{function}";
            var arn = $"{functionArn}:{s.Text("name")}";
            s.Set("id", arn).Set("arn", arn).Set("invokeArn", InvokeArn(s.Region, arn));
        },
        [Infra.Aws.Sqs.Queue.PulumiType] = s =>
        {
            var fifo = s.Inputs["fifoQueue"]?.GetValue<bool>() == true;
            var name = s.Name("name", suffix: fifo ? ".fifo" : "");
            var url = $"https://sqs.{s.Region}.amazonaws.com/{s.Account}/{name}";
            s.Set("id", url).Set("url", url).Set("arn", $"arn:aws:sqs:{s.Region}:{s.Account}:{name}");
        },
        [Infra.Aws.Sns.Topic.PulumiType] = s =>
        {
            var arn = $"arn:aws:sns:{s.Region}:{s.Account}:{s.Name("name")}";
            s.Set("id", arn).Set("arn", arn);
        },
        [Infra.Aws.DynamoDB.Table.PulumiType] = s =>
        {
            var name = s.Name("name");
            var arn = $"arn:aws:dynamodb:{s.Region}:{s.Account}:table/{name}";
            s.Set("id", name).Set("arn", arn);
            if (s.Inputs["streamEnabled"]?.GetValue<bool>() == true)
            {
                s.Set("streamArn", $"{arn}/stream/2026-12-01T00:00:00.000").Set("streamLabel", "2026-12-01T00:00:00.000");
            }
        },
        [Infra.Aws.Sfn.StateMachine.PulumiType] = s =>
        {
            var arn = $"arn:aws:states:{s.Region}:{s.Account}:stateMachine:{s.Name("name")}";
            s.Set("id", arn).Set("arn", arn);
        },
        [Infra.Aws.Ssm.Parameter.PulumiType] = s =>
        {
            var name = s.Name("name");
            // A hierarchical name starts with '/', which the ARN does not repeat.
            s.Set("id", name).Set("arn", $"arn:aws:ssm:{s.Region}:{s.Account}:parameter/{name.TrimStart('/')}").Set("version", 1);
        },
        [Infra.Aws.CloudWatch.LogGroup.PulumiType] = s =>
        {
            // The provider drops the ':*' that the CloudWatch Logs API appends (LogGroup.arn's documentation).
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:logs:{s.Region}:{s.Account}:log-group:{name}");
        },
        [Infra.Aws.CloudWatch.MetricAlarm.PulumiType] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:cloudwatch:{s.Region}:{s.Account}:alarm:{name}");
        },
        [Infra.Aws.CloudWatch.Dashboard.PulumiType] = s =>
        {
            var name = s.Name("dashboardName");
            s.Set("id", name).Set("dashboardArn", $"arn:aws:cloudwatch::{s.Account}:dashboard/{name}");
        },
        [Infra.Aws.CloudWatch.EventRule.PulumiType] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:events:{s.Region}:{s.Account}:rule/{name}");
        },
        [Infra.Aws.CloudWatch.EventTarget.PulumiType] = s => s.Set("id", $"{s.Text("rule")}-{s.Optional("targetId") ?? s.Hex("target", 8)}"),
        [Infra.Aws.CloudWatch.QueryDefinition.PulumiType] = s => s.Set("id", s.Uuid()).Set("queryDefinitionId", s.Uuid()),
        [Infra.Aws.Ecr.Repository.PulumiType] = s =>
        {
            var name = s.Name("name", lowerCase: true);
            s.Set("id", name).Set("arn", $"arn:aws:ecr:{s.Region}:{s.Account}:repository/{name}").Set("registryId", s.Account)
                .Set("repositoryUrl", $"{s.Account}.dkr.ecr.{s.Region}.amazonaws.com/{name}");
        },
        [Infra.Aws.Ecr.LifecyclePolicy.PulumiType] = s => s.Set("id", s.Text("repository")).Set("registryId", s.Account),
        [Infra.Aws.Ecr.RepositoryPolicy.PulumiType] = s => s.Set("id", s.Text("repository")).Set("registryId", s.Account),
        // awsx pushes the image and reports it by digest (a tag and a digest together are refused by Lambda).
        [global::Infra.Awsx.Ecr.Image.PulumiType] = s => s.Set("imageUri", $"{s.Text("repositoryUrl")}@sha256:{s.Hex("digest", 64)}"),
        [Infra.Aws.ApiGateway.RestApi.PulumiType] = s =>
        {
            var id = s.Hex("id", 10);
            s.Set("id", id).Set("name", s.Name("name")).Set("rootResourceId", s.Hex("root", 10))
                .Set("arn", $"arn:aws:apigateway:{s.Region}::/restapis/{id}")
                .Set("executionArn", $"arn:aws:execute-api:{s.Region}:{s.Account}:{id}");
        },
        [Infra.Aws.ApiGateway.Resource.PulumiType] = s => s.Set("id", s.Hex("id", 6)).Set("path", $"/{s.Text("pathPart")}"),
        [Infra.Aws.ApiGateway.Method.PulumiType] = s => s.Set("id", $"agm-{s.Hex("id", 10)}"),
        [Infra.Aws.ApiGateway.Integration.PulumiType] = s => s.Set("id", $"agi-{s.Hex("id", 10)}"),
        [Infra.Aws.ApiGateway.Model.PulumiType] = s => s.Set("id", s.Hex("id", 6)),
        [Infra.Aws.ApiGateway.RequestValidator.PulumiType] = s => s.Set("id", s.Hex("id", 6)),
        [Infra.Aws.ApiGateway.Response.PulumiType] = s => s.Set("id", $"aggr-{s.Hex("id", 10)}"),
        [Infra.Aws.ApiGateway.Deployment.PulumiType] = s => s.Set("id", s.Hex("id", 6)),
        [Infra.Aws.ApiGateway.Stage.PulumiType] = s =>
        {
            var api = s.Text("restApi");
            var stage = s.Text("stageName");
            s.Set("id", $"ags-{api}-{stage}").Set("arn", $"arn:aws:apigateway:{s.Region}::/restapis/{api}/stages/{stage}")
                .Set("invokeUrl", $"https://{api}.execute-api.{s.Region}.amazonaws.com/{stage}")
                .Set("executionArn", $"arn:aws:execute-api:{s.Region}:{s.Account}:{api}/{stage}");
        },
        [Infra.Aws.ApiGateway.MethodSettings.PulumiType] = s => s.Set("id", $"{s.Text("restApi")}-{s.Text("stageName")}-{s.Text("methodPath")}"),
        [Infra.Aws.ApiGateway.ApiKey.PulumiType] = s => s.Set("id", s.Hex("id", 10)).Set("name", s.Name("name")).Set("value", s.Hex("value", 40)),
        [Infra.Aws.ApiGateway.UsagePlan.PulumiType] = s => s.Set("id", s.Hex("id", 6)).Set("name", s.Name("name")),
        [Infra.Aws.ApiGateway.UsagePlanKey.PulumiType] = s => s.Set("id", s.Text("keyId")),
        [Infra.Aws.ApiGateway.Account.PulumiType] = s => s.Set("id", "api-gateway-account"),
        [Infra.Aws.WafV2.WebAcl.PulumiType] = s =>
        {
            var name = s.Name("name");
            var id = s.Uuid();
            s.Set("id", id).Set("arn", $"arn:aws:wafv2:{s.Region}:{s.Account}:{(s.Text("scope") == "CLOUDFRONT" ? "global" : "regional")}/webacl/{name}/{id}");
        },
        [Infra.Aws.WafV2.WebAclAssociation.PulumiType] = s => s.Set("id", $"{s.Text("webAclArn")},{s.Text("resourceArn")}"),
        [Infra.Aws.WafV2.WebAclLoggingConfiguration.PulumiType] = s => s.Set("id", s.Text("resourceArn")),
        [Infra.Aws.Lambda.Permission.PulumiType] = s => s.Set("id", s.Optional("statementId") ?? s.Name("statementId")),
        [Infra.Aws.Lambda.EventSourceMapping.PulumiType] = s =>
        {
            var uuid = s.Uuid();
            s.Set("id", uuid).Set("uuid", uuid).Set("arn", $"arn:aws:lambda:{s.Region}:{s.Account}:event-source-mapping:{uuid}");
        },
        [Infra.Aws.Lambda.FunctionEventInvokeConfig.PulumiType] = s => s.Set("id", s.Text("functionName")),
        [Infra.Aws.Lambda.ProvisionedConcurrencyConfig.PulumiType] = s => s.Set("id", $"{s.Text("functionName")},{s.Text("qualifier")}"),
        [Infra.Aws.AppAutoScaling.Target.PulumiType] = s => s.Set("id", s.Text("resourceId"))
            .Set("arn", $"arn:aws:application-autoscaling:{s.Region}:{s.Account}:scalable-target/{s.Hex("target", 32)}"),
        [Infra.Aws.AppAutoScaling.ScheduledAction.PulumiType] = s => s.Set("id", s.Name("name"))
            .Set("arn", $"arn:aws:autoscaling:{s.Region}:{s.Account}:scheduledAction:{s.Uuid()}:resource/{s.Text("resourceId")}:scheduledActionName/{s.Name("name")}"),
        [Infra.Aws.AppAutoScaling.Policy.PulumiType] = s => s.Set("id", s.Name("name"))
            .Set("arn", $"arn:aws:autoscaling:{s.Region}:{s.Account}:scalingPolicy:{s.Uuid()}:resource/{s.Text("resourceId")}:policyName/{s.Name("name")}"),
        [Infra.Aws.Sqs.QueuePolicy.PulumiType] = s => s.Set("id", s.Text("queueUrl")),
        [Infra.Aws.Sns.TopicPolicy.PulumiType] = s => s.Set("id", s.Text("arn")),
        [Infra.Aws.Sns.TopicSubscription.PulumiType] = s => s.Set("id", $"{s.Text("topic")}:{s.Uuid()}").Set("arn", $"{s.Text("topic")}:{s.Uuid()}"),
        [Infra.Aws.S3.BucketPolicy.PulumiType] = s => s.Set("id", s.Text("bucket")),
        [Infra.Aws.S3.BucketServerSideEncryptionConfiguration.PulumiType] = s => s.Set("id", s.Text("bucket")),
        [Infra.Aws.S3.BucketPublicAccessBlock.PulumiType] = s => s.Set("id", s.Text("bucket")),
        [Infra.Aws.S3.BucketOwnershipControls.PulumiType] = s => s.Set("id", s.Text("bucket")),
        [Infra.Aws.S3.BucketVersioning.PulumiType] = s => s.Set("id", s.Text("bucket")),
        [Infra.Aws.S3.BucketLifecycleConfiguration.PulumiType] = s => s.Set("id", s.Text("bucket")),
        [Infra.Aws.S3.BucketLogging.PulumiType] = s => s.Set("id", s.Text("bucket")),
        [Infra.Aws.S3.BucketNotification.PulumiType] = s => s.Set("id", s.Text("bucket")),
        [Infra.Aws.CloudTrail.Trail.PulumiType] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:cloudtrail:{s.Region}:{s.Account}:trail/{name}");
        },
        [Infra.Aws.Budgets.Budget.PulumiType] = s =>
        {
            var name = s.Name("name");
            s.Set("id", $"{s.Account}:{name}").Set("arn", $"arn:aws:budgets::{s.Account}:budget/{name}");
        },
        [Infra.Aws.Iam.InstanceProfile.PulumiType] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:iam::{s.Account}:instance-profile{s.Optional("path") ?? "/"}{name}").Set("uniqueId", "AIPA" + s.Hex("unique", 17).ToUpperInvariant());
        },
        // AWS Batch: the provider's id is the name for a compute environment and the ARN for a queue or a job definition;
        // a new job definition is revision 1, and its ARN ends with the revision.
        [Infra.Aws.Batch.ComputeEnvironment.PulumiType] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:batch:{s.Region}:{s.Account}:compute-environment/{name}")
                .Set("ecsClusterArn", $"arn:aws:ecs:{s.Region}:{s.Account}:cluster/{name}_Batch_{s.Uuid()}");
        },
        [Infra.Aws.Batch.JobQueue.PulumiType] = s =>
        {
            var arn = $"arn:aws:batch:{s.Region}:{s.Account}:job-queue/{s.Name("name")}";
            s.Set("id", arn).Set("arn", arn);
        },
        [Infra.Aws.Batch.JobDefinition.PulumiType] = s =>
        {
            var prefix = $"arn:aws:batch:{s.Region}:{s.Account}:job-definition/{s.Name("name")}";
            s.Set("id", $"{prefix}:1").Set("arn", $"{prefix}:1").Set("arnPrefix", prefix).Set("revision", 1);
        },
        [Infra.Aws.Ec2.SecurityGroup.PulumiType] = s =>
        {
            var id = $"sg-{s.Hex("id", 17)}";
            s.Set("id", id).Set("arn", $"arn:aws:ec2:{s.Region}:{s.Account}:security-group/{id}").Set("name", s.Name("name")).Set("ownerId", s.Account);
        },
        [Infra.Aws.ElastiCache.ServerlessCache.PulumiType] = s =>
        {
            var name = s.Name("name");
            var endpoint = (int port) => new JsonArray(new JsonObject { ["address"] = $"{name}-{s.Hex("host", 6)}.serverless.{s.Region}.cache.amazonaws.com", ["port"] = port });
            s.Set("id", name).Set("arn", $"arn:aws:elasticache:{s.Region}:{s.Account}:serverlesscache:{name}")
                .Set("endpoints", endpoint(6379)).Set("readerEndpoints", endpoint(6380));
        },
        // SageMaker reports its ARNs with the resource name in lower case (the name itself keeps its case).
        [Infra.Aws.SageMaker.Model.PulumiType] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:sagemaker:{s.Region}:{s.Account}:model/{name.ToLowerInvariant()}");
        },
        [Infra.Aws.SageMaker.EndpointConfiguration.PulumiType] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:sagemaker:{s.Region}:{s.Account}:endpoint-config/{name.ToLowerInvariant()}");
        },
        [Infra.Aws.SageMaker.Endpoint.PulumiType] = s =>
        {
            var name = s.Name("name");
            s.Set("id", name).Set("arn", $"arn:aws:sagemaker:{s.Region}:{s.Account}:endpoint/{name.ToLowerInvariant()}");
        },
        [Infra.Aws.CostExplorer.AnomalyMonitor.PulumiType] = s => s.Set("id", s.Uuid()).Set("arn", $"arn:aws:ce::{s.Account}:anomalymonitor/{s.Uuid()}"),
        [Infra.Aws.CostExplorer.AnomalySubscription.PulumiType] = s => s.Set("id", s.Uuid()).Set("arn", $"arn:aws:ce::{s.Account}:anomalysubscription/{s.Uuid()}"),
    };

    /// <summary>The resource's outputs: its inputs (the provider echoes them) plus what AWS computes.</summary>
    public JsonObject Outputs(string type, string physicalName, JsonObject inputs, SourceMark mark)
    {
        if (!_types.TryGetValue(type, out var compute))
        {
            throw new EvaluationException($"no output model for resource type {type} (add it to ResourceOutputModel with the names and ARNs AWS gives it)", mark);
        }

        var state = new ResourceState(physicalName, (JsonObject)inputs.DeepClone(), target, mark);
        compute(state);
        return state.Inputs;
    }

    private static string InvokeArn(string region, string functionArn) =>
        $"arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{functionArn}/invocations";

    /// <summary>One resource's outputs under construction.</summary>
    private sealed class ResourceState(string logicalName, JsonObject inputs, DeploymentTarget target, SourceMark mark)
    {
        public JsonObject Inputs { get; } = inputs;

        public string Region => target.Region;

        public string Account => DeploymentTarget.Account;

        public ResourceState Set(string property, JsonNode? value)
        {
            // An input the provider echoes wins over a computed default (a set name stays that name).
            if (!Inputs.ContainsKey(property))
            {
                Inputs[property] = value;
            }

            return this;
        }

        public string Text(string property) =>
            Optional(property) ?? throw new EvaluationException($"'{logicalName}' has no '{property}' input, which its outputs need", mark);

        public string? Optional(string property) =>
            Inputs[property] is { } value ? ProgramEvaluator.Text(value, $"{logicalName}.{property}", mark) : null;

        /// <summary>The physical name: the input when set (<paramref name="property"/>, or its <c>…Prefix</c>), else Pulumi's autoname.</summary>
        public string Name(string property, bool lowerCase = false, string suffix = "")
        {
            if (Optional(property) is { } given)
            {
                return given;
            }

            var prefix = Optional(property + "Prefix");
            var name = prefix is null ? $"{logicalName}-{Hex("autoname", 7)}" : prefix + Hex("autoname", 26);
            name = (lowerCase ? name.ToLowerInvariant() : name) + suffix;
            Inputs[property] = name;
            return name;
        }

        /// <summary>Lowercase hex drawn from the stack, the resource and <paramref name="purpose"/>: random-looking, but the same every run.</summary>
        public string Hex(string purpose, int length)
        {
            var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{target.Project}/{target.Stack}/{logicalName}/{purpose}"));
            return Convert.ToHexStringLower(hash)[..length];
        }

        public string Uuid()
        {
            var hex = Hex("uuid", 32);
            return $"{hex[..8]}-{hex[8..12]}-4{hex[13..16]}-a{hex[17..20]}-{hex[20..32]}";
        }
    }
}
