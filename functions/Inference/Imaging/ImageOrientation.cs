using SkiaSharp;

namespace Inference.Imaging;

/// <summary>Turns a decoded image upright as its EXIF orientation says, as photo viewers do.</summary>
public static class ImageOrientation
{
    /// <summary>True for the orientations that swap width and height (the 90° and 270° turns).</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) => origin >= SKEncodedOrigin.LeftTop;

    /// <summary>Returns the upright image; the input is disposed when a new bitmap replaces it.</summary>
    public static SKBitmap Apply(SKBitmap image, SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft)
        {
            return image;
        }

        float w = image.Width, h = image.Height;
        // Where a source pixel (x, y) lands: x' = a·x + b·y + c, y' = d·x + e·y + f.
        var (a, b, c, d, e, f) = origin switch
        {
            SKEncodedOrigin.TopRight => (-1f, 0f, w, 0f, 1f, 0f),     // mirrored
            SKEncodedOrigin.BottomRight => (-1f, 0f, w, 0f, -1f, h),  // turned 180°
            SKEncodedOrigin.BottomLeft => (1f, 0f, 0f, 0f, -1f, h),   // mirrored vertically
            SKEncodedOrigin.LeftTop => (0f, 1f, 0f, 1f, 0f, 0f),      // transposed
            SKEncodedOrigin.RightTop => (0f, -1f, h, 1f, 0f, 0f),     // needs 90° clockwise
            SKEncodedOrigin.RightBottom => (0f, -1f, h, -1f, 0f, w),  // transversed
            SKEncodedOrigin.LeftBottom => (0f, 1f, 0f, -1f, 0f, w),   // needs 90° counter-clockwise
            _ => (1f, 0f, 0f, 0f, 1f, 0f),
        };
        var upright = SwapsAxes(origin)
            ? new SKBitmap(new SKImageInfo(image.Height, image.Width, image.ColorType, image.AlphaType))
            : new SKBitmap(image.Info);
        using (var canvas = new SKCanvas(upright))
        {
            canvas.SetMatrix(new SKMatrix(a, b, c, d, e, f, 0, 0, 1));
            canvas.DrawBitmap(image, 0, 0, SKSamplingOptions.Default, null); // axis-aligned: exact pixel copies
        }

        image.Dispose();
        return upright;
    }
}
