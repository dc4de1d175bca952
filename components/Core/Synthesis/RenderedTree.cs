namespace Infra.Core.Synthesis;

/// <summary>
/// The program as plain data, ready for a writer: strings, booleans, numbers, null,
/// <see cref="List{T}"/> of nodes, and <see cref="OrderedMap"/> whose order is the output order.
/// </summary>
public sealed class OrderedMap : List<KeyValuePair<string, object?>>
{
    public void Add(string key, object? value) => Add(new KeyValuePair<string, object?>(key, value));
}
