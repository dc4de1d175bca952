namespace InferenceFunction.Events;

/// <summary>The answer to a warm-up event: the models are loaded, nothing was predicted.</summary>
public sealed class WarmUpResponse
{
    public bool WarmedUp { get; set; } = true;
}
