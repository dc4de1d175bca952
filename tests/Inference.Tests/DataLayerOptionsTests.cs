using Inference.Service;

namespace Inference.Tests;

public sealed class DataLayerOptionsTests
{
    private static InferenceOptions Read(Dictionary<string, string> variables) =>
        InferenceOptions.FromEnvironment(name => variables.GetValueOrDefault(name), processorCount: 2);

    [Fact]
    public void Defaults_are_an_LRU_on_and_no_shared_cache_or_log()
    {
        var options = Read([]);

        Assert.Equal((1000, 16L * 1024 * 1024, null), (options.Cache.MaxEntries, options.Cache.MaxBytes, options.Cache.Table));
        Assert.True(options.Cache.Enabled);
        Assert.Null(options.PredictionLog.Table);
        Assert.Equal(0, options.PredictionLog.SampleRate);
    }

    [Fact]
    public void Environment_variables_configure_the_cache_and_the_log()
    {
        var options = Read(new()
        {
            ["PREDICTION_CACHE_MAX_ENTRIES"] = "50", ["PREDICTION_CACHE_MAX_BYTES"] = "65536", ["PREDICTION_CACHE_TABLE"] = "cache",
            ["PREDICTION_CACHE_TTL_SECONDS"] = "600", ["PREDICTION_CACHE_TIMEOUT_MS"] = "80",
            ["PREDICTIONS_TABLE"] = "log", ["PREDICTIONS_TTL_DAYS"] = "90", ["PREDICTIONS_SAMPLE_RATE"] = "0.05", ["PREDICTIONS_TIMEOUT_MS"] = "300",
        });

        Assert.Equal((50, 65536L, "cache", TimeSpan.FromMinutes(10), TimeSpan.FromMilliseconds(80)),
            (options.Cache.MaxEntries, options.Cache.MaxBytes, options.Cache.Table, options.Cache.Ttl, options.Cache.Timeout));
        Assert.Equal(("log", 90, 0.05, TimeSpan.FromMilliseconds(300)),
            (options.PredictionLog.Table, options.PredictionLog.TtlDays, options.PredictionLog.SampleRate, options.PredictionLog.Timeout));
    }

    [Fact]
    public void A_table_without_a_rate_logs_every_request_and_zero_entries_turn_the_cache_off()
    {
        var options = Read(new() { ["PREDICTIONS_TABLE"] = "log", ["PREDICTION_CACHE_MAX_ENTRIES"] = "0" });

        Assert.Equal(1, options.PredictionLog.SampleRate);
        Assert.False(options.Cache.Enabled);
    }

    [Theory]
    [InlineData("PREDICTIONS_SAMPLE_RATE", "0.5", "PREDICTIONS_TABLE is not set")]
    [InlineData("PREDICTIONS_SAMPLE_RATE", "1.5", "PREDICTIONS_SAMPLE_RATE is '1.5'; allowed: a decimal number from 0 to 1")]
    [InlineData("PREDICTIONS_SAMPLE_RATE", "5%", "PREDICTIONS_SAMPLE_RATE is '5%'")]
    [InlineData("PREDICTION_CACHE_MAX_ENTRIES", "-1", "PREDICTION_CACHE_MAX_ENTRIES is '-1'; allowed: a whole number from 0")]
    [InlineData("PREDICTION_CACHE_MAX_BYTES", "0", "PREDICTION_CACHE_MAX_BYTES is '0'; allowed: a whole number from 1")]
    [InlineData("PREDICTIONS_TTL_DAYS", "0", "PREDICTIONS_TTL_DAYS is '0'")]
    public void A_bad_value_fails_naming_the_variable(string name, string value, string message)
    {
        var variables = new Dictionary<string, string> { [name] = value };
        if (value != "0.5")
        {
            variables["PREDICTIONS_TABLE"] = "log";
        }

        var error = Assert.Throws<InvalidOperationException>(() => Read(variables));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_Redis_endpoint_makes_Redis_the_shared_cache_with_TLS_unless_turned_off()
    {
        var withTls = Read(new() { ["PREDICTION_CACHE_REDIS_ENDPOINT"] = "my-cache-abc.serverless.use1.cache.amazonaws.com:6379" });
        var plain = Read(new() { ["PREDICTION_CACHE_REDIS_ENDPOINT"] = "127.0.0.1:6391", ["PREDICTION_CACHE_REDIS_TLS"] = "false", ["PREDICTION_CACHE_MAX_ENTRIES"] = "0" });

        Assert.Equal((new Caching.RedisEndpoint("my-cache-abc.serverless.use1.cache.amazonaws.com", 6379), true, null),
            (withTls.Cache.RedisEndpoint, withTls.Cache.RedisTls, withTls.Cache.Table));
        Assert.Equal((new Caching.RedisEndpoint("127.0.0.1", 6391), false), (plain.Cache.RedisEndpoint, plain.Cache.RedisTls));
        Assert.True(plain.Cache.Enabled); // the shared cache alone keeps caching on
    }

    [Fact]
    public void A_table_and_a_Redis_endpoint_together_fail_naming_both()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            Read(new() { ["PREDICTION_CACHE_TABLE"] = "cache", ["PREDICTION_CACHE_REDIS_ENDPOINT"] = "cache.local:6379" }));

        Assert.Contains("PREDICTION_CACHE_TABLE is 'cache' and PREDICTION_CACHE_REDIS_ENDPOINT is 'cache.local:6379'", error.Message, StringComparison.Ordinal);
        Assert.Contains("set at most one of them", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("PREDICTION_CACHE_REDIS_ENDPOINT", "cache.local", "PREDICTION_CACHE_REDIS_ENDPOINT is 'cache.local'; allowed: host:port")]
    [InlineData("PREDICTION_CACHE_REDIS_ENDPOINT", "cache.local:0", "PREDICTION_CACHE_REDIS_ENDPOINT is 'cache.local:0'; allowed: host:port with a port from 1 to 65535")]
    [InlineData("PREDICTION_CACHE_REDIS_ENDPOINT", ":6379", "PREDICTION_CACHE_REDIS_ENDPOINT is ':6379'")]
    [InlineData("PREDICTION_CACHE_REDIS_ENDPOINT", "redis://cache.local:6379", "PREDICTION_CACHE_REDIS_ENDPOINT is 'redis://cache.local:6379'")]
    [InlineData("PREDICTION_CACHE_REDIS_TLS", "yes", "PREDICTION_CACHE_REDIS_TLS is 'yes'; allowed: true, false.")]
    public void A_bad_Redis_setting_fails_naming_the_variable(string name, string value, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Read(new() { [name] = value }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
