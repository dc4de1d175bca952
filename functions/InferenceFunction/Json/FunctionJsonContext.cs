using System.Text.Json.Serialization;
using InferenceFunction.Events;
using InferenceFunction.Runtime;

namespace InferenceFunction.Json;

/// <summary>Source-generated serializers: the Native AOT build has no reflection-based JSON.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LambdaError))]
[JsonSerializable(typeof(LambdaEvent))]
[JsonSerializable(typeof(S3Notification))]
[JsonSerializable(typeof(SqsBatchResponse))]
[JsonSerializable(typeof(WarmUpResponse))]
internal sealed partial class FunctionJsonContext : JsonSerializerContext;
