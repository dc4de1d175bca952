using System.Text.Json.Serialization;

namespace Inference.Contracts;

/// <summary>Source-generated serialization of the configuration documents (no reflection: the function is published Native AOT).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TrafficSplitConfig))]
[JsonSerializable(typeof(IReadOnlyList<EnsembleConfig>))]
[JsonSerializable(typeof(RouterConfig))]
internal sealed partial class ContractJsonContext : JsonSerializerContext;
