using System.Text;
using SkiaSharp;

namespace Inference.Tests;

/// <summary>Randomly damaged requests (fixed seeds, so runs repeat) must never produce a 5xx.</summary>
[Collection(ServiceCollection.Name)]
public sealed class MutationTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Damaged_infer_bodies_get_a_4xx_or_a_200_never_a_5xx()
    {
        var valid = Encoding.UTF8.GetBytes(Requests.ClsInfer(dataJson: string.Join(",", Enumerable.Range(0, 3 * 48 * 192).Select(i => (i % 7 - 3) / 3.0))));
        var random = new Random(1234);

        for (var i = 0; i < 150; i++)
        {
            var body = Mutate(valid, random);
            var response = await fixture.Service.HandleAsync(Requests.Post("/v2/models/ppocr-cls/infer", body), default);
            Assert.True(response.StatusCode is 200 or (>= 400 and < 500), $"mutation {i}: {response.StatusCode} {Encoding.UTF8.GetString(response.Body.Span)}");
        }
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg, "image/jpeg")]
    [InlineData(SKEncodedImageFormat.Png, "image/png")]
    [InlineData(SKEncodedImageFormat.Webp, "image/webp")]
    public async Task Damaged_images_get_a_4xx_or_a_200_never_a_5xx(SKEncodedImageFormat format, string contentType)
    {
        var valid = TestImages.Gradient(96, 64, format, SKColors.Green);
        var random = new Random(99);

        for (var i = 0; i < 60; i++)
        {
            var body = Mutate(valid, random);
            var response = await fixture.Service.HandleAsync(Requests.Post("/v2/models/ppocr-cls/predict", body, contentType), default);
            Assert.True(response.StatusCode is 200 or (>= 400 and < 500), $"mutation {i}: {response.StatusCode} {Encoding.UTF8.GetString(response.Body.Span)}");
        }
    }

    /// <summary>Truncates, overwrites a run of bytes, or inserts random bytes.</summary>
    private static byte[] Mutate(byte[] source, Random random)
    {
        var bytes = (byte[])source.Clone();
        switch (random.Next(3))
        {
            case 0:
                return bytes[..random.Next(1, bytes.Length)];
            case 1:
                var start = random.Next(bytes.Length);
                for (var j = start; j < Math.Min(bytes.Length, start + random.Next(1, 16)); j++)
                {
                    bytes[j] = (byte)random.Next(256);
                }

                return bytes;
            default:
                var at = random.Next(bytes.Length);
                var noise = new byte[random.Next(1, 16)];
                random.NextBytes(noise);
                return [.. bytes[..at], .. noise, .. bytes[at..]];
        }
    }
}
