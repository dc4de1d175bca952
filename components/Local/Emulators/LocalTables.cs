using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Infra.Aws.DynamoDB;
using Infra.Core;

namespace Infra.Local.Emulators;

/// <summary>Creates a stack's DynamoDB tables in DynamoDB Local with the key schema the program gives them.</summary>
public sealed class LocalTables(IAmazonDynamoDB dynamoDb)
{
    /// <summary>Creates the table under <paramref name="localName"/> unless it exists already.</summary>
    public async Task CreateAsync(Table table, string localName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(table);
        var args = (TableArgs)table.Args;
        var keys = new List<KeySchemaElement> { new(Literal(table, "hashKey", args.HashKey), KeyType.HASH) };
        if (args.RangeKey is not null)
        {
            keys.Add(new KeySchemaElement(Literal(table, "rangeKey", args.RangeKey), KeyType.RANGE));
        }

        try
        {
            await dynamoDb.CreateTableAsync(new CreateTableRequest
            {
                TableName = localName,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                KeySchema = keys,
                AttributeDefinitions = [.. Attributes(table, args)],
                GlobalSecondaryIndexes = [.. Indexes(table, args)],
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (ResourceInUseException)
        {
            // Created by an earlier serve against the same DynamoDB Local: keep it and its items.
        }
    }

    private static IEnumerable<AttributeDefinition> Attributes(Table table, TableArgs args)
    {
        var attributes = args.Attributes is IProgramValueSource list && list.ToProgramValue() is ListValue items ? items.Items : [];
        foreach (var attribute in attributes)
        {
            var entries = attribute is MapValue map ? map.Entries : throw Unreadable(table, "attributes");
            yield return new AttributeDefinition(Text(table, "attributes[].name", entries.GetValueOrDefault("name")), Text(table, "attributes[].type", entries.GetValueOrDefault("type")));
        }
    }

    /// <summary>The table's global secondary indexes (the predictions log's by-request-id, which feedback queries).</summary>
    private static IEnumerable<GlobalSecondaryIndex> Indexes(Table table, TableArgs args)
    {
        var indexes = args.GlobalSecondaryIndexes is IProgramValueSource list && list.ToProgramValue() is ListValue items ? items.Items : [];
        foreach (var index in indexes)
        {
            var entries = index is MapValue map ? map.Entries : throw Unreadable(table, "globalSecondaryIndexes");
            var keys = entries.GetValueOrDefault("keySchemas") is ListValue schema ? schema.Items : throw Unreadable(table, "globalSecondaryIndexes[].keySchemas");
            yield return new GlobalSecondaryIndex
            {
                IndexName = Text(table, "globalSecondaryIndexes[].name", entries.GetValueOrDefault("name")),
                KeySchema = [.. keys.Select(key => key is MapValue k
                    ? new KeySchemaElement(Text(table, "keySchemas[].attributeName", k.Entries.GetValueOrDefault("attributeName")),
                        Text(table, "keySchemas[].keyType", k.Entries.GetValueOrDefault("keyType")))
                    : throw Unreadable(table, "globalSecondaryIndexes[].keySchemas"))],
                Projection = new Projection { ProjectionType = Text(table, "globalSecondaryIndexes[].projectionType", entries.GetValueOrDefault("projectionType")) },
            };
        }
    }

    private static string Literal(Table table, string property, Input<string>? value) =>
        Text(table, property, value is IProgramValueSource source ? source.ToProgramValue() : null);

    private static string Text(Table table, string property, ProgramValue? value) =>
        value is LiteralValue { Value: string text } ? text : throw Unreadable(table, property);

    private static EmulatorException Unreadable(Table table, string property) =>
        new($"Table {table.LogicalName}: {property} is not a literal, so DynamoDB Local cannot be given its key schema.");
}
