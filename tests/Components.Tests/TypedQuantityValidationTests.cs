using Infra.Components;
using Infra.Core;
using Infra.Testing;

namespace Components.Tests;

/// <summary>
/// A typed duration or size can hold what AWS can't take (1.5 seconds of Lambda timeout, 36 hours of log retention,
/// half a mebibyte of memory): the component refuses it at construction, naming the key, the value and the unit,
/// instead of rounding it into a setting nobody asked for.
/// </summary>
public sealed class TypedQuantityValidationTests
{
    private static readonly CodeDirectory Code = new("../.build/function", "/nonexistent/function");

    private static SynthesisException FunctionError(InferenceFunctionArgs args)
    {
        var stack = new Stack("proj", "dev");
        var error = Assert.Throws<SynthesisException>(() => new InferenceFunction(stack, "embed", args));
        Assert.Empty(stack.Resources);
        return error;
    }

    [Fact]
    public void A_lambda_timeout_that_is_not_whole_seconds_is_refused()
    {
        var error = FunctionError(new InferenceFunctionArgs { Code = Code, Timeout = TimeSpan.FromMilliseconds(1500) });

        Assert.Equal(["component 'embed': Timeout = 1.5 seconds is invalid: expected a whole number of seconds from 1 to 900"], error.Problems);
    }

    [Fact]
    public void A_log_retention_that_is_not_whole_days_or_not_one_cloudwatch_allows_is_refused()
    {
        var partDay = FunctionError(new InferenceFunctionArgs { Code = Code, LogRetention = TimeSpan.FromHours(36) });
        var unlisted = FunctionError(new InferenceFunctionArgs { Code = Code, LogRetention = TimeSpan.FromDays(31) });

        Assert.StartsWith("component 'embed': LogRetention = 36 hours is invalid: expected a whole number of days, one of 1, 3, 5, 7, 14, 30,",
            Assert.Single(partDay.Problems), StringComparison.Ordinal);
        Assert.StartsWith("component 'embed': LogRetention = 31 days is invalid: expected a whole number of days, one of 1, 3, 5, 7, 14, 30,",
            Assert.Single(unlisted.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Lambda_memory_and_tmp_that_are_not_whole_mebibytes_are_refused()
    {
        var error = FunctionError(new InferenceFunctionArgs
        {
            Code = Code,
            Memory = DataSize.FromMebibytes(1769.5),
            EphemeralStorage = DataSize.FromBytes(600_000_000),
        });

        Assert.Equal(
        [
            "component 'embed': Memory = 1811968 KiB is invalid: expected a whole number of MiB from 128 to 10240",
            "component 'embed': EphemeralStorage = 600000000 bytes is invalid: expected a whole number of MiB from 512 to 10240",
        ], error.Problems);
    }

    [Fact]
    public void Whole_values_in_any_unit_reach_aws_in_its_unit()
    {
        var stack = new Stack("proj", "dev");
        new InferenceFunction(stack, "embed", new InferenceFunctionArgs
        {
            Code = Code,
            Memory = DataSize.FromKibibytes(3008 * 1024),
            Timeout = TimeSpan.FromMinutes(1),
            LogRetention = TimeSpan.FromHours(14 * 24),
        });
        var template = StackTemplate.FromStack(stack);

        Assert.Equal(3008.0, Convert.ToDouble(template.Property("embed-function", "memorySize"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(60.0, Convert.ToDouble(template.Property("embed-function", "timeout"), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(14.0, Convert.ToDouble(template.Property("embed-logs", "retentionInDays"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_rollout_check_interval_of_part_seconds_and_a_bake_of_part_minutes_are_refused()
    {
        var rollout = new GradualRolloutArgs { Bake = TimeSpan.FromSeconds(90), CheckInterval = TimeSpan.FromMilliseconds(30_500) };
        var check = new ArgsValidation("api");

        var error = Assert.Throws<SynthesisException>(() => GradualRolloutArgs.Validate(check, "Rollout.", rollout).ThrowIfInvalid());

        Assert.Equal(
        [
            "component 'api': Rollout.Bake = 90 seconds is invalid: expected a whole number of minutes from 1 to 1440",
            "component 'api': Rollout.CheckInterval = 30.5 seconds is invalid: expected a whole number of seconds from 10 seconds to the bake time (90 seconds)",
        ], error.Problems);
    }

    [Fact]
    public void A_waf_window_must_be_one_of_the_rate_rules_windows_and_a_body_limit_within_api_gateways()
    {
        var stack = new Stack("proj", "dev");
        var error = Assert.Throws<SynthesisException>(() => new Waf(stack, "edge", new WafArgs
        {
            RateLimitWindow = TimeSpan.FromSeconds(300.5),
            MaxBody = DataSize.FromMebibytes(11),
            Logging = new WafLoggingArgs { Retention = TimeSpan.FromHours(12) },
        }));

        Assert.Equal(
        [
            "component 'edge': RateLimitWindow = 300.5 seconds is invalid: expected a whole number of seconds, one of 60, 120, 300, 600",
            "component 'edge': MaxBody = 11 MiB is invalid: expected from 1 byte to 10 MiB (API Gateway's largest body)",
            "component 'edge': Logging.Retention = 12 hours is invalid: expected a whole number of days, one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
        ], error.Problems);
    }

    [Fact]
    public void A_bucket_lifecycle_of_part_days_is_refused()
    {
        var stack = new Stack("proj", "dev");
        var error = Assert.Throws<SynthesisException>(() => new EncryptedBucket(stack, "models", new EncryptedBucketArgs
        {
            NoncurrentVersionExpiration = TimeSpan.FromHours(12),
            AbortIncompleteUploadsAfter = TimeSpan.FromDays(1.5),
        }));

        Assert.Equal(
        [
            "component 'models': NoncurrentVersionExpiration = 12 hours is invalid: expected a whole number of days from 0 to 36500",
            "component 'models': AbortIncompleteUploadsAfter = 36 hours is invalid: expected a whole number of days from 1 to 365",
        ], error.Problems);
    }

    [Fact]
    public void Data_sizes_convert_compare_and_print_in_binary_units()
    {
        var memory = DataSize.FromMebibytes(1769);

        Assert.Equal(1769L * 1024 * 1024, memory.Bytes);
        Assert.Equal(1769.0, memory.Mebibytes);
        Assert.Equal(DataSize.FromKibibytes(1769 * 1024), memory);
        Assert.True(DataSize.FromMebibytes(512) < memory && memory <= DataSize.FromMebibytes(1769));
        Assert.Equal(524_288, DataSize.FromMebibytes(0.5).Bytes);
        Assert.Equal(["1769 MiB", "64 KiB", "1000 bytes", "0 bytes"],
            new[] { memory, DataSize.FromKibibytes(64), DataSize.FromBytes(1000), DataSize.Zero }.Select(size => size.ToString()));
    }
}
