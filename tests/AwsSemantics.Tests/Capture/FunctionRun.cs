using System.Text;
using System.Text.Json.Nodes;
using AwsSemantics.Tests.Access;
using Inference.Service;
using InferenceFunction.Events;
using InferenceFunction.Objects;
using InferenceFunction.Runtime;
using SkiaSharp;
using Infra.Testing.Access;

namespace AwsSemantics.Tests.Capture;

/// <summary>
/// Runs a deployed function's own code, composed as its <c>Program.cs</c> composes it (ServiceInitialization, the
/// event dispatcher, the batch handler and its S3 object store), with the environment the program gives it, and
/// records every AWS request the code makes. The events it gets follow from the program: an SQS event source mapping
/// whose queue receives a bucket's notifications brings an S3 object under the notification's prefix; a Lambda
/// permission for API Gateway brings a prediction and then feedback on it.
/// </summary>
public sealed class FunctionRun
{
    private readonly StackPolicies _access;
    private readonly string _function;
    private readonly string _modelsDirectory;

    private readonly string _repositoryRoot;

    /// <summary>An empty /tmp, as a cold start has: a model cached by an earlier run would hide the download.</summary>
    private readonly string _cache = Path.Combine(Path.GetTempPath(), $"aws-semantics-cache-{Guid.NewGuid():N}");

    public FunctionRun(StackPolicies access, string functionResource, string repositoryRoot)
    {
        _access = access;
        _function = functionResource;
        _repositoryRoot = repositoryRoot;
        _modelsDirectory = Path.Combine(repositoryRoot, Infra.Local.FunctionBuild.OutputFromRoot, "models");
    }

    public CapturingAwsHandler Handler { get; } = new();

    /// <summary>What the function wrote to stdout and stderr, for failures.</summary>
    private readonly StringWriter _log = new();

    /// <summary>What the function's environment needs beyond the program's: where the package's models are (the test process is not /var/task).</summary>
    public IReadOnlyDictionary<string, string> Environment()
    {
        var inputs = _access.Outputs.Inputs(_function);
        var variables = (string?)inputs["packageType"] == "Image" ? ImageEnvironment.Of(_access, _function, _repositoryRoot) : new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in inputs["environment"]?["variables"] as JsonObject ?? [])
        {
            variables[name] = Infra.Testing.Access.Evaluation.ProgramEvaluator.Text(value, $"{_function} {name}", default);
        }

        // The package's models folder (the zip's or the image's /opt/models): here, the published build's.
        variables["MODEL_DIR"] = _modelsDirectory;
        variables["MODEL_CACHE_DIR"] = _cache;
        // The log samples a share of the API's requests; every request is logged here, so its write is among the calls.
        if (variables.ContainsKey("PREDICTIONS_SAMPLE_RATE"))
        {
            variables["PREDICTIONS_SAMPLE_RATE"] = "1";
        }

        variables["AWS_REGION"] = _access.Region;
        return variables;
    }

    public async Task<IReadOnlyCollection<CapturedRequest>> RunAsync()
    {
        var environment = Environment();
        var region = _access.Region;
        using var s3 = CapturingClients.S3(Handler, region);
        using var dynamoDb = CapturingClients.DynamoDb(Handler, region);
        string? Read(string name) => environment.GetValueOrDefault(name);

        // As Program.CreateHandlerAsync: an S3 client for models only when they come from S3; the batch handler on first use.
        var modelsFromS3 = !string.IsNullOrEmpty(Read("MODEL_S3_BUCKET")) || !string.IsNullOrEmpty(Read("MODEL_REGISTRY_BUCKET"));
        if (Read("MODEL_REGISTRY_BUCKET") is { Length: > 0 } && Read("MODEL_VERSION") is { } version)
        {
            // The pinned version is in the registry because someone pushed it: push it (its requests are the deployer's, not recorded here).
            foreach (var (key, content) in (await ModelPush.RunAsync(_access, _repositoryRoot, version)).Objects)
            {
                Handler.Objects[key] = content;
            }
        }

        var service = await ServiceInitialization.CreateAsync(Read, _log, modelsFromS3 ? s3 : null, dynamoDb);
        try
        {
            var batch = new Lazy<SqsS3BatchHandler>(() => new SqsS3BatchHandler(
                service, ObjectStores.FromEnvironment(Read, () => s3), BatchOptions.FromEnvironment(Read), _log));
            var dispatcher = new EventDispatcher(service, batch);
            var events = Events().ToList();
            if (events.Count == 0)
            {
                throw new InvalidOperationException($"{_function}: the program gives it no event source the access tests know (SQS mapping or API Gateway permission)");
            }

            foreach (var payload in events)
            {
                var invocation = new Invocation("capture-request-1", DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeMilliseconds(),
                    _access.Outputs.Output(_function, "arn"), null, Encoding.UTF8.GetBytes(payload.ToJsonString()));
                var response = await dispatcher.HandleAsync(invocation, new InvocationDeadline(invocation.DeadlineUnixMs, TimeSpan.FromMilliseconds(100), TimeProvider.System), CancellationToken.None);
                await dispatcher.AfterResponseAsync(CancellationToken.None);
                CheckServed(payload, JsonNode.Parse(response));
            }
        }
        finally
        {
            (service as IDisposable)?.Dispose();
            if (Directory.Exists(_cache))
            {
                Directory.Delete(_cache, recursive: true);
            }
        }

        return Handler.Requests;
    }

    /// <summary>A run that failed would leave out the calls after the failure: the batch must retry nothing, the API answer 2xx.</summary>
    private void CheckServed(JsonObject payload, JsonNode? response)
    {
        var failed = payload.ContainsKey("Records")
            ? (response?["batchItemFailures"] as JsonArray)?.Count > 0
            : response?["statusCode"]?.GetValue<int>() is not (>= 200 and < 300);
        if (failed)
        {
            throw new InvalidOperationException($"{_function} did not serve its capture event; calls after the failure were not recorded. Response: {response?.ToJsonString()}\n{_log}");
        }
    }

    private IEnumerable<JsonObject> Events()
    {
        var outputs = _access.Outputs;
        var arn = outputs.Output(_function, "arn");
        var name = outputs.Output(_function, "name");
        bool Targets(string reference) => reference == arn || reference == name || reference.StartsWith(arn + ":", StringComparison.Ordinal);

        foreach (var mapping in _access.Resources("aws:lambda/eventSourceMapping:EventSourceMapping").Where(m => Targets((string)outputs.Inputs(m)["functionName"]!)))
        {
            var queueArn = (string)outputs.Inputs(mapping)["eventSourceArn"]!;
            foreach (var notification in _access.Resources("aws:s3/bucketNotification:BucketNotification"))
            {
                var bucket = (string)outputs.Inputs(notification)["bucket"]!;
                foreach (var queue in (outputs.Inputs(notification)["queues"] as JsonArray ?? []).Where(q => (string?)q!["queueArn"] == queueArn))
                {
                    var key = $"{(string?)queue!["filterPrefix"]}capture/photo.png";
                    Handler.Objects[$"{bucket}/{key}"] = Photo();
                    yield return SqsEvent(queueArn, bucket, key);
                }
            }
        }

        if (_access.Resources("aws:lambda/permission:Permission").Any(p =>
                (string?)outputs.Inputs(p)["principal"] == "apigateway.amazonaws.com" && Targets((string)outputs.Inputs(p)["function"]!)))
        {
            var model = Environment().GetValueOrDefault("MODEL_NAME") ?? throw new InvalidOperationException($"{_function} has no MODEL_NAME");
            yield return ApiEvent($"/v2/models/{model}/predict", Photo(), "image/png");
            // Feedback attaches to the predictions log; a function without one answers 409 and calls nothing.
            if (Environment().ContainsKey("PREDICTIONS_TABLE"))
            {
                yield return ApiEvent($"/v2/models/{model}/feedback", Encoding.UTF8.GetBytes("""{"requestId":"capture-request-1","value":1.5}"""), "application/json");
            }
        }
    }

    private JsonObject SqsEvent(string queueArn, string bucket, string key) => new()
    {
        ["Records"] = new JsonArray(new JsonObject
        {
            ["messageId"] = "capture-message-1",
            ["receiptHandle"] = "capture",
            ["body"] = new JsonObject
            {
                ["Records"] = new JsonArray(new JsonObject
                {
                    ["eventVersion"] = "2.1",
                    ["eventSource"] = "aws:s3",
                    ["awsRegion"] = _access.Region,
                    ["eventName"] = "ObjectCreated:Put",
                    ["s3"] = new JsonObject
                    {
                        ["bucket"] = new JsonObject { ["name"] = bucket, ["arn"] = $"arn:aws:s3:::{bucket}" },
                        ["object"] = new JsonObject { ["key"] = Uri.EscapeDataString(key).Replace("%2F", "/", StringComparison.Ordinal), ["size"] = 1000 },
                    },
                }),
            }.ToJsonString(),
            ["attributes"] = new JsonObject(),
            ["messageAttributes"] = new JsonObject(),
            ["md5OfBody"] = "capture",
            ["eventSource"] = "aws:sqs",
            ["eventSourceARN"] = queueArn,
            ["awsRegion"] = _access.Region,
        }),
    };

    private static JsonObject ApiEvent(string path, byte[] body, string contentType) => new()
    {
        ["resource"] = "/{proxy+}",
        ["path"] = path,
        ["httpMethod"] = "POST",
        ["headers"] = new JsonObject { ["Content-Type"] = contentType },
        ["multiValueHeaders"] = new JsonObject { ["Content-Type"] = new JsonArray(contentType) },
        ["requestContext"] = new JsonObject { ["stage"] = "capture", ["requestId"] = "capture-request-1", ["identity"] = new JsonObject { ["sourceIp"] = "192.0.2.1" } },
        ["body"] = Convert.ToBase64String(body),
        ["isBase64Encoded"] = true,
    };

    private static byte[] Photo()
    {
        using var bitmap = new SKBitmap(64, 48);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.SteelBlue);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
