namespace InferenceFunction.Tests;

/// <summary>Tests that measure time: xunit runs this collection alone, after the collections that run in parallel.</summary>
[CollectionDefinition(nameof(TimingSensitive), DisableParallelization = true)]
public sealed class TimingSensitive;
