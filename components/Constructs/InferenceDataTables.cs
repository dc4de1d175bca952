using System.Globalization;
using Inference.Contracts;
using Infra.Aws.DynamoDB;
using Infra.Aws.Iam;
using Infra.Aws.Kms;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// The DynamoDB tables of the data layer: the predictions log (batch, and sampled REST traffic)
/// and the shared prediction cache table. On-demand, KMS-encrypted, point-in-time recovery, TTL on
/// <c>expiresAt</c>. Their attribute names are the ones the function writes (functions/README.md).
/// </summary>
internal static class InferenceDataTables
{
    /// <summary>The predictions log's index by request id (the function's FeedbackStores.RequestIdIndex).</summary>
    public const string RequestIdIndex = "by-request-id";

    public static Table PredictionsLog(ComponentResource owner, string name, Key key, CustomResourceOptions? options = null) =>
        new(owner, name, new TableArgs
        {
            BillingMode = "PAY_PER_REQUEST",
            HashKey = "inputKey",
            RangeKey = "modelVersion",
            Attributes = new[]
            {
                new TableAttributeArgs { Name = "inputKey", Type = "S" },
                new TableAttributeArgs { Name = "modelVersion", Type = "S" },
                new TableAttributeArgs { Name = "requestId", Type = "S" },
            },
            // Feedback (POST /v2/models/{name}/feedback) finds its prediction by the answer's request id.
            GlobalSecondaryIndexes = new[] { new TableGlobalSecondaryIndexArgs
            {
                Name = RequestIdIndex,
                KeySchemas = new[] { new TableGlobalSecondaryIndexKeySchemaArgs { AttributeName = "requestId", KeyType = "HASH" } },
                ProjectionType = "ALL",
            } },
            PointInTimeRecovery = new TablePointInTimeRecoveryArgs { Enabled = true },
            ServerSideEncryption = new TableServerSideEncryptionArgs { Enabled = true, KmsKeyArn = key.Arn },
            Ttl = new TableTtlArgs { AttributeName = "expiresAt", Enabled = true },
        }, options);

    public static Table PredictionCache(ComponentResource owner, string name, Key key) =>
        new(owner, name, new TableArgs
        {
            BillingMode = "PAY_PER_REQUEST",
            HashKey = "cacheKey",
            Attributes = new[] { new TableAttributeArgs { Name = "cacheKey", Type = "S" } },
            PointInTimeRecovery = new TablePointInTimeRecoveryArgs { Enabled = true },
            ServerSideEncryption = new TableServerSideEncryptionArgs { Enabled = true, KmsKeyArn = key.Arn },
            Ttl = new TableTtlArgs { AttributeName = "expiresAt", Enabled = true },
        });

    /// <summary>A rotating key that only the account administers; the function's role is granted its use.</summary>
    public static Key DataKey(ComponentResource owner, string name, string description, CustomResourceOptions? options = null) =>
        new(owner, name, new KeyArgs
        {
            Description = description,
            EnableKeyRotation = true,
            Policy = PolicyDocuments.Of(PolicyDocuments.AccountAdministersKey(owner.Stack)),
        }, options);
}

/// <summary>The optional data layer of an API pattern: a sampled predictions log and a shared prediction cache.</summary>
internal sealed class ApiDataLayer
{
    private readonly Dictionary<string, Input<string>> _environment = [];
    private readonly List<PolicyStatement> _statements = [];

    /// <param name="function">The function's arguments: an ElastiCache cache goes into its network.</param>
    public ApiDataLayer(ComponentResource owner, InferenceApiArgs args, InferenceFunctionArgs function)
    {
        if (args.PredictionLogSampleRate is null && args.SharedCache == SharedCacheStore.None)
        {
            return;
        }

        var options = new CustomResourceOptions { Protect = args.ProtectData ? true : null };
        var key = InferenceDataTables.DataKey(owner, "data-key", $"Encrypts the predictions log and cache of {owner.Path}", options);
        Key = key;
        if (args.PredictionLogSampleRate is { } rate)
        {
            PredictionsLog = InferenceDataTables.PredictionsLog(owner, "predictions", key, options);
            _environment[FunctionEnvironment.PredictionsTable] = PredictionsLog.TableName;
            _environment[FunctionEnvironment.PredictionsSampleRate] = rate.ToString(CultureInfo.InvariantCulture);
            _statements.Add(PolicyDocuments.Allow("LogPredictions", ["dynamodb:PutItem"], PredictionsLog.Arn));
            _statements.Add(PolicyDocuments.Allow("StoreFeedback", ["dynamodb:UpdateItem"], PredictionsLog.Arn));
            _statements.Add(PolicyDocuments.Allow("FindPredictionByRequestId", ["dynamodb:Query"], Output.Format($"{PredictionsLog.Arn}/index/{InferenceDataTables.RequestIdIndex}")));
        }

        // The cache holds nothing that cannot be recomputed, so it is never protected.
        switch (args.SharedCache)
        {
            case SharedCacheStore.DynamoDb:
                Cache = InferenceDataTables.PredictionCache(owner, "cache", key);
                _environment[FunctionEnvironment.PredictionCacheTable] = Cache.TableName;
                _statements.Add(PolicyDocuments.Allow("UseSharedCache", ["dynamodb:GetItem", "dynamodb:PutItem"], Cache.Arn));
                break;
            case SharedCacheStore.ElastiCacheServerless:
                // Reached over the network only (its security group); the function needs no IAM or KMS rights for it.
                var valkey = new ServerlessValkeyCache(owner, "cache", function.Network!, key);
                _environment[FunctionEnvironment.PredictionCacheRedisEndpoint] = valkey.Endpoint;
                break;
        }

        // The tables are encrypted with the key, so the function uses it when it reads or writes them.
        if (_statements.Count > 0)
        {
            _statements.Add(PolicyDocuments.Allow("UseDataKey", ["kms:Decrypt", "kms:GenerateDataKey"], key.Arn));
        }
    }

    /// <summary>The key of the log and the cache table, when there is either.</summary>
    public Key? Key { get; }

    public Table? PredictionsLog { get; }

    /// <summary>The DynamoDB shared cache, when <see cref="InferenceApiArgs.SharedCache"/> is <see cref="SharedCacheStore.DynamoDb"/>.</summary>
    public Table? Cache { get; }

    /// <summary>The variables that point the function at the data layer (<see cref="FunctionPlan.AddedEnvironment"/>).</summary>
    public IEnumerable<KeyValuePair<string, Input<string>>> Environment => _environment;

    /// <summary>Lets the function write the log and read and write the cache table: those tables and that key only.</summary>
    public void Grant(ComponentResource owner, InferenceFunction function)
    {
        if (_statements.Count > 0)
        {
            new RolePolicy(owner, "data-access", new RolePolicyArgs { Role = function.Role.RoleName, Policy = PolicyDocuments.Of([.. _statements]) });
        }
    }
}
