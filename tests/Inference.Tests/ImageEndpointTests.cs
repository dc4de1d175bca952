using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace Inference.Tests;

[Collection(ServiceCollection.Name)]
public sealed class ImageEndpointTests(ServiceFixture fixture)
{
    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg, "image/jpeg")]
    [InlineData(SKEncodedImageFormat.Png, "image/png")]
    [InlineData(SKEncodedImageFormat.Webp, "image/webp")]
    public async Task ResNet18_predict_returns_a_unit_length_512_embedding(SKEncodedImageFormat format, string contentType)
    {
        var image = TestImages.Gradient(320, 240, format, SKColors.LimeGreen);

        var response = await fixture.Service.HandleAsync(Requests.Post("/v2/models/resnet18/predict", image, contentType), default);

        Assert.Equal(200, response.StatusCode);
        var json = response.Json();
        Assert.Equal("resnet18", json.GetProperty("model_name").GetString());
        var embedding = json.GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(512, embedding.Length);
        Assert.Equal(1.0, Math.Sqrt(embedding.Sum(v => v * v)), 4);
    }

    [Fact]
    public async Task ResNet18_predict_matches_the_bare_pipeline_on_RGB_planar_pixels()
    {
        // 224×224 needs no resize, so the expected tensor is exactly the decoded pixels as planar RGB 0-255.
        var png = TestImages.Gradient(224, 224, SKEncodedImageFormat.Png, SKColors.Crimson);
        using var bitmap = SKBitmap.Decode(png);
        var pixels = new float[3 * 224 * 224];
        for (var y = 0; y < 224; y++)
        {
            for (var x = 0; x < 224; x++)
            {
                var c = bitmap.GetPixel(x, y);
                pixels[(0 * 224 + y) * 224 + x] = c.Red;
                pixels[(1 * 224 + y) * 224 + x] = c.Green;
                pixels[(2 * 224 + y) * 224 + x] = c.Blue;
            }
        }

        var model = await fixture.Service.Models.GetAsync("resnet18", default);
        using var runOptions = new RunOptions();
        using var input = OrtValue.CreateTensorValueFromMemory(pixels, [1, 3, 224, 224]);
        using var preprocessed = model.PreprocessSession!.Run(runOptions, ["OriginalInput"], [input], ["PreprocessedInput"]);
        using var features = model.Session.Run(runOptions, ["Input247"], [preprocessed[0]], ["Pooling395_Output_0"]);
        var expected = features[0].GetTensorDataAsSpan<float>().ToArray();
        var norm = Math.Sqrt(expected.Sum(v => (double)v * v));

        var response = await fixture.Service.HandleAsync(Requests.Post("/v2/models/resnet18/predict", png, "image/png"), default);

        var actual = response.Json().GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i] / norm, actual[i], 5);
        }
    }

    [Fact]
    public async Task ResNet18_embeddings_are_closer_for_the_same_picture_than_for_different_ones()
    {
        async Task<double[]> Embed(byte[] image, string type) =>
            (await fixture.Service.HandleAsync(Requests.Post("/v2/models/resnet18/predict", image, type), default))
                .Json().GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        static double Cosine(double[] a, double[] b) => a.Zip(b).Sum(p => p.First * p.Second);

        var original = await Embed(TestImages.Gradient(300, 300, SKEncodedImageFormat.Png, SKColors.Yellow), "image/png");
        var recompressed = await Embed(TestImages.Gradient(300, 300, SKEncodedImageFormat.Jpeg, SKColors.Yellow), "image/jpeg");
        var different = await Embed(TestImages.TextLine("Hello world", upsideDown: false), "image/png");

        Assert.True(Cosine(original, recompressed) > 0.95, $"same picture: {Cosine(original, recompressed)}");
        Assert.True(Cosine(original, different) < Cosine(original, recompressed) - 0.1, $"different: {Cosine(original, different)}");
    }

    [Fact]
    public async Task A_large_photo_gives_nearly_the_embedding_of_a_small_copy()
    {
        var large = TestImages.Gradient(1600, 1200, SKEncodedImageFormat.Jpeg, SKColors.Purple);
        var small = TestImages.Gradient(400, 300, SKEncodedImageFormat.Jpeg, SKColors.Purple);

        var a = await Embed(large);
        var b = await Embed(small);

        Assert.True(a.Zip(b).Sum(p => p.First * p.Second) > 0.97);

        async Task<double[]> Embed(byte[] image) =>
            (await fixture.Service.HandleAsync(Requests.Post("/v2/models/resnet18/predict", image, "image/jpeg"), default))
                .Json().GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    [Theory]
    [InlineData(false, "0")]
    [InlineData(true, "180")]
    public async Task Direction_classifier_tells_upright_from_upside_down_text(bool upsideDown, string expectedLabel)
    {
        var image = TestImages.TextLine("Serverless inference", upsideDown);

        var response = await fixture.Service.HandleAsync(Requests.Post("/v2/models/ppocr-cls/predict", image, "image/png"), default);

        Assert.Equal(200, response.StatusCode);
        var predictions = response.Json().GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(2, predictions.Length);
        Assert.Equal(expectedLabel, predictions[0].GetProperty("label").GetString());
        Assert.True(predictions[0].GetProperty("score").GetDouble() > 0.8);
        Assert.Equal(1.0, predictions.Sum(p => p.GetProperty("score").GetDouble()), 3);
    }
}

public sealed class ImageDecoderTests
{
    [Fact]
    public void A_large_JPEG_is_decoded_at_the_smallest_scale_still_covering_the_target()
    {
        var photo = TestImages.Gradient(1600, 1200, SKEncodedImageFormat.Jpeg, SKColors.Blue);

        using var bitmap = new Imaging.ImageDecoder(25_000_000).Decode(photo, 224, 224);

        Assert.Equal((400, 300), (bitmap.Width, bitmap.Height)); // 1/4 scale; 1/8 would be 200×150, below 224
    }

    [Fact]
    public void A_PNG_is_decoded_at_full_size()
    {
        var png = TestImages.Gradient(640, 480, SKEncodedImageFormat.Png, SKColors.Blue);

        using var bitmap = new Imaging.ImageDecoder(25_000_000).Decode(png, 224, 224);

        Assert.Equal((640, 480), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void The_pixel_limit_applies_to_the_declared_size_before_decoding()
    {
        var png = TestImages.Gradient(640, 480, SKEncodedImageFormat.Png, SKColors.Blue);

        var error = Assert.Throws<Protocol.ApiException>(() => new Imaging.ImageDecoder(640 * 480 - 1).Decode(png, 224, 224));

        Assert.Equal("image_too_large", error.Code);
        Assert.Contains("640×480", error.Message, StringComparison.Ordinal);
    }
}

public sealed class ImageOrientationTests
{
    /// <summary>A 200×100 JPEG, red on its left half and blue on its right, tagged with an EXIF orientation.</summary>
    private static byte[] SplitJpeg(ushort orientation)
    {
        using var bitmap = new SKBitmap(200, 100);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Blue);
            using var red = new SKPaint { Color = SKColors.Red };
            canvas.DrawRect(0, 0, 100, 100, red);
        }

        var jpeg = TestImages.Encode(bitmap, SKEncodedImageFormat.Jpeg);
        // APP1 "Exif": big-endian TIFF header, one IFD entry 0x0112 (Orientation, SHORT, 1 value).
        byte[] app1 =
        [
            0xFF, 0xE1, 0x00, 0x22, (byte)'E', (byte)'x', (byte)'i', (byte)'f', 0, 0,
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08,
            0x00, 0x01, 0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00,
            0x00, 0x00, 0x00, 0x00,
        ];
        return [.. jpeg[..2], .. app1, .. jpeg[2..]];
    }

    [Theory]
    [InlineData(1, 200, 100, "left")]   // as stored
    [InlineData(3, 200, 100, "right")]  // turned 180°: red ends up on the right
    [InlineData(6, 100, 200, "top")]    // 90° clockwise: the left edge becomes the top
    [InlineData(8, 100, 200, "bottom")] // 90° counter-clockwise: the left edge becomes the bottom
    public void Images_are_turned_upright_as_their_EXIF_orientation_says(ushort orientation, int width, int height, string redSide)
    {
        using var bitmap = new Imaging.ImageDecoder(25_000_000).Decode(SplitJpeg(orientation), 1000, 1000);

        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        var (x, y) = redSide switch
        {
            "left" => (width / 4, height / 2),
            "right" => (width * 3 / 4, height / 2),
            "top" => (width / 2, height / 4),
            _ => (width / 2, height * 3 / 4),
        };
        var pixel = bitmap.GetPixel(x, y);
        Assert.True(pixel.Red > 200 && pixel.Blue < 60, $"expected red at {redSide}, got {pixel}");
        var opposite = bitmap.GetPixel(width - 1 - x, height - 1 - y);
        Assert.True(opposite.Blue > 200 && opposite.Red < 60, $"expected blue opposite {redSide}, got {opposite}");
    }
}
