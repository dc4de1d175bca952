using Infra.Aws.Ec2;
using Infra.Aws.ElastiCache;
using Infra.Aws.Kms;
using Infra.Core;

namespace Infra.Components;

/// <summary>
/// An ElastiCache Serverless (Valkey) cache in the function's subnets, encrypted with the data layer's key, behind a
/// security group of its own whose only ingress is the cache's ports from the function's security groups.
/// </summary>
internal sealed class ServerlessValkeyCache
{
    /// <summary>The primary endpoint's port (reads and writes).</summary>
    public const int PrimaryPort = 6379;

    /// <summary>The reader endpoint's port (same host name, reads from replicas).</summary>
    public const int ReaderPort = 6380;

    public ServerlessValkeyCache(ComponentResource owner, string name, FunctionNetworkArgs network, Key key)
    {
        SecurityGroup = new SecurityGroup(owner, $"{name}-sg", new SecurityGroupArgs
        {
            Description = $"The shared prediction cache of {owner.Path}: reachable from the function only",
            VpcId = network.VpcId!,
            // Inline rules are authoritative: a rule added outside this program is removed on the next update.
            // No egress: the cache only answers connections.
            Ingress = new[]
            {
                new SecurityGroupIngressArgs
                {
                    Description = "Valkey primary and reader endpoints, from the function",
                    Protocol = "tcp",
                    FromPort = PrimaryPort,
                    ToPort = ReaderPort,
                    SecurityGroups = InputList<string>.From(network.SecurityGroupIds),
                },
            },
        });
        Cache = new ServerlessCache(owner, name, new ServerlessCacheArgs
        {
            Engine = "valkey",
            Description = $"The shared prediction cache of {owner.Path}",
            KmsKeyId = key.Arn,
            SubnetIds = InputList<string>.From(network.SubnetIds),
            SecurityGroupIds = new Input<string>[] { SecurityGroup.Id },
        });

        // `endpoints` is a list of {address, port} objects, which the generated class does not expose as a typed output.
        var endpoint = Cache.GetOutput<object>("endpoints").GetProperty<object>("[0]");
        Endpoint = Output.Format($"{endpoint.GetProperty<string>("address")}:{endpoint.GetProperty<double>("port")}");
    }

    public SecurityGroup SecurityGroup { get; }

    public ServerlessCache Cache { get; }

    /// <summary><c>host:port</c> of the primary endpoint, as the function's PREDICTION_CACHE_REDIS_ENDPOINT takes it.</summary>
    public Output<string> Endpoint { get; }
}
