using System.Collections;

namespace Infra.Core;

/// <summary>Anything that lowers to a program value: inputs, outputs, assets.</summary>
public interface IProgramValueSource
{
    ProgramValue ToProgramValue();
}

/// <summary>A resource input: a plain value or an output of another resource.</summary>
public sealed class Input<T> : IProgramValueSource
{
    private Input(ProgramValue value) => Value = value;

    internal ProgramValue Value { get; }

    ProgramValue IProgramValueSource.ToProgramValue() => Value;

    public static implicit operator Input<T>(T value) => new(ValueLowering.Lower(value));

    public static implicit operator Input<T>(Output<T> output) => new(output.Value);
}

/// <summary>A list input whose items may be plain values or outputs.</summary>
public sealed class InputList<T> : IProgramValueSource, IEnumerable<Input<T>>
{
    private readonly List<Input<T>> _items = [];

    public void Add(Input<T> item) => _items.Add(item);

    public void AddRange(IEnumerable<Input<T>> items) => _items.AddRange(items);

    public int Count => _items.Count;

    public ProgramValue ToProgramValue() => new ListValue([.. _items.Select(i => i.Value)]);

    public IEnumerator<Input<T>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public static implicit operator InputList<T>(T[] items) => From(items.Select(i => (Input<T>)i));

    public static implicit operator InputList<T>(List<T> items) => From(items.Select(i => (Input<T>)i));

    public static implicit operator InputList<T>(Input<T>[] items) => From(items);

    public static InputList<T> From(IEnumerable<Input<T>> items)
    {
        var list = new InputList<T>();
        list.AddRange(items);
        return list;
    }
}

/// <summary>A string-keyed map input whose values may be plain values or outputs.</summary>
public sealed class InputMap<T> : IProgramValueSource, IEnumerable<KeyValuePair<string, Input<T>>>
{
    private readonly Dictionary<string, Input<T>> _entries = new(StringComparer.Ordinal);

    public Input<T> this[string key]
    {
        get => _entries[key];
        set => _entries[key] = value;
    }

    public void Add(string key, Input<T> value) => _entries.Add(key, value);

    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    public int Count => _entries.Count;

    public IEnumerable<string> Keys => _entries.Keys;

    public ProgramValue ToProgramValue() =>
        new MapValue(_entries.ToDictionary(e => e.Key, e => e.Value.Value, StringComparer.Ordinal));

    public IEnumerator<KeyValuePair<string, Input<T>>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public static implicit operator InputMap<T>(Dictionary<string, T> entries)
    {
        var map = new InputMap<T>();
        foreach (var (key, value) in entries)
        {
            map.Add(key, value);
        }

        return map;
    }
}
