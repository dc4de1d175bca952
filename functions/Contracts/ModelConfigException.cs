namespace Inference.Contracts;

/// <summary>A model.json that cannot be used, naming the file, the field, the value and what is allowed.</summary>
public sealed class ModelConfigException : Exception
{
    public ModelConfigException(string file, string field, string? value, string allowed)
        : base($"{file}: field '{field}' has value {value ?? "null"}; {allowed}")
    {
    }

    public ModelConfigException(string file, string message, Exception? inner = null)
        : base($"{file}: {message}", inner)
    {
    }
}
