using CsCheck;
using Fuzzing;
using SkiaSharp;

namespace Inference.Tests.Fuzz;

/// <summary>
/// Property: any bytes posted to /predict as an image, random, cut short, with flipped bytes or with a header
/// declaring a huge size, get a prediction or a 4xx naming the problem; never an exception, a hang or a 5xx.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class ImageFuzzTests(ServiceFixture fixture)
{
    private const string Predict = "/v2/models/ppocr-cls/predict";

    private static readonly byte[][] RealImages =
    [
        TestImages.Gradient(48, 40, SKEncodedImageFormat.Png, SKColors.Red),
        TestImages.Gradient(48, 40, SKEncodedImageFormat.Jpeg, SKColors.Blue),
        TestImages.Gradient(48, 40, SKEncodedImageFormat.Webp, SKColors.Green),
    ];

    private static readonly Gen<string> ContentType = Gen.OneOf<string>("image/png", "image/jpeg", "image/webp");

    private static readonly Gen<byte[]> Truncated =
        Gen.Int[0, RealImages.Length - 1].SelectMany(i => Gen.Int[0, RealImages[i].Length - 1].Select(length => RealImages[i][..length]));

    /// <summary>One to eight bytes overwritten, mostly in the first 64 bytes where the headers are.</summary>
    private static readonly Gen<byte[]> Mutated =
        Gen.Int[0, RealImages.Length - 1].SelectMany(i =>
            Gen.Select(Gen.Frequency((3, Gen.Int[0, 63]), (1, Gen.Int[0, RealImages[i].Length - 1])), Gen.Byte).Array[1, 8]
                .Select(edits =>
                {
                    var copy = RealImages[i].ToArray();
                    foreach (var (at, value) in edits)
                    {
                        copy[at % copy.Length] = value;
                    }

                    return copy;
                }));

    private static readonly Gen<byte[]> HugeDeclared =
        Gen.Select(Gen.Int, Gen.Int).Select((width, height) => TestImages.PngHeaderOnly(width, height));

    [Fact]
    public void Random_bytes_as_an_image_get_a_typed_answer() =>
        Gen.Select(Gen.Byte.Array[1, 2048], ContentType)
            .Sample((bytes, type) => ServiceAnswers.AssertHandled(fixture.Service, Requests.Post(Predict, bytes, type)),
                iter: FuzzIterations.Get(1000), threads: 1, print: t => $"{t.Item2} {Convert.ToBase64String(t.Item1)}");

    [Fact]
    public void Damaged_real_images_get_a_typed_answer() =>
        Gen.Select(Gen.OneOf(Truncated, Mutated), ContentType)
            .Sample((bytes, type) => ServiceAnswers.AssertHandled(fixture.Service, Requests.Post(Predict, bytes, type)),
                iter: FuzzIterations.Get(1000), threads: 1, print: t => $"{t.Item2} {Convert.ToBase64String(t.Item1)}");

    [Fact]
    public void Png_headers_declaring_any_size_get_a_typed_answer() =>
        HugeDeclared
            .Sample(bytes => ServiceAnswers.AssertHandled(fixture.Service, Requests.Post(Predict, bytes, "image/png")),
                iter: FuzzIterations.Get(500), threads: 1, print: Convert.ToBase64String);
}
