namespace Infra.Quantization;

/// <summary>A model, an option or an input set that cannot be quantized, with what was found and what is needed.</summary>
public sealed class QuantizationException(string message, Exception? inner = null) : Exception(message, inner);
