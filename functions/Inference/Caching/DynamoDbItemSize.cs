using System.Text;
using Amazon.DynamoDBv2.Model;

namespace Inference.Caching;

/// <summary>An upper bound of a DynamoDB item's size, as DynamoDB counts it against its 400 KB item limit.</summary>
public static class DynamoDbItemSize
{
    public const int MaxItemBytes = 400 * 1024;

    /// <summary>A number takes at most 21 bytes however many digits it has.</summary>
    private const int MaxNumberBytes = 21;

    public static long Of(IReadOnlyDictionary<string, AttributeValue> item)
    {
        long size = 0;
        foreach (var (name, value) in item)
        {
            size += Encoding.UTF8.GetByteCount(name) + Of(value);
        }

        return size;
    }

    private static long Of(AttributeValue value) => value switch
    {
        { S: { } s } => Encoding.UTF8.GetByteCount(s),
        { N: not null } => MaxNumberBytes,
        { B: { } b } => b.Length,
        { L: { } list } => 3 + list.Sum(v => 1 + Of(v)),
        { M: { } map } => 3 + map.Sum(p => 1 + Encoding.UTF8.GetByteCount(p.Key) + Of(p.Value)),
        _ => 1,
    };
}
