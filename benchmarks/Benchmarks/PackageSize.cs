using System.IO.Compression;

namespace Benchmarks;

/// <summary>A publish folder's size without its bundled models, unzipped and as a Lambda zip.</summary>
internal static class PackageSize
{
    public sealed record Result(string Build, long UnzippedBytes, long ZippedBytes, int Files);

    public static Result Measure(string build, string publishDirectory)
    {
        var root = Path.GetFullPath(publishDirectory);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(file => !Path.GetRelativePath(root, file).StartsWith("models" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToList();
        var zipPath = Path.Combine(Path.GetTempPath(), $"package-{build}-{Guid.NewGuid():N}.zip");
        try
        {
            using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create))
            {
                foreach (var file in files)
                {
                    zip.CreateEntryFromFile(file, Path.GetRelativePath(root, file), CompressionLevel.Optimal);
                }
            }

            return new Result(build, files.Sum(file => new FileInfo(file).Length), new FileInfo(zipPath).Length, files.Count);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }
}
