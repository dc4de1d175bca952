using System.Globalization;

namespace Infra.Core;

/// <summary>
/// An amount of data, held in bytes. AWS's "MB" for Lambda memory and <c>/tmp</c> is a mebibyte (1,048,576 bytes), so
/// the factories and readings are binary units; the component that hands a size to AWS checks it is a whole number of
/// the unit AWS takes rather than rounding it.
/// </summary>
public readonly record struct DataSize : IComparable<DataSize>
{
    private const long BytesPerKibibyte = 1024;
    private const long BytesPerMebibyte = 1024 * 1024;

    private DataSize(long bytes) => Bytes = bytes;

    public long Bytes { get; }

    public double Kibibytes => (double)Bytes / BytesPerKibibyte;

    public double Mebibytes => (double)Bytes / BytesPerMebibyte;

    public static DataSize Zero => default;

    public static DataSize FromBytes(long bytes) => new(bytes);

    public static DataSize FromKibibytes(long kibibytes) => new(checked(kibibytes * BytesPerKibibyte));

    public static DataSize FromMebibytes(long mebibytes) => new(checked(mebibytes * BytesPerMebibyte));

    /// <summary>A fractional size such as a model's 0.5 MiB, to the nearest byte.</summary>
    public static DataSize FromMebibytes(double mebibytes) => new((long)Math.Round(mebibytes * BytesPerMebibyte));

    public bool IsWholeMebibytes => Bytes % BytesPerMebibyte == 0;

    public int CompareTo(DataSize other) => Bytes.CompareTo(other.Bytes);

    public static bool operator <(DataSize left, DataSize right) => left.Bytes < right.Bytes;

    public static bool operator >(DataSize left, DataSize right) => left.Bytes > right.Bytes;

    public static bool operator <=(DataSize left, DataSize right) => left.Bytes <= right.Bytes;

    public static bool operator >=(DataSize left, DataSize right) => left.Bytes >= right.Bytes;

    /// <summary><c>1769 MiB</c> when whole mebibytes, <c>4 KiB</c> when whole kibibytes, else bytes.</summary>
    public override string ToString() =>
        Bytes != 0 && Bytes % BytesPerMebibyte == 0 ? $"{(Bytes / BytesPerMebibyte).ToString(CultureInfo.InvariantCulture)} MiB"
        : Bytes != 0 && Bytes % BytesPerKibibyte == 0 ? $"{(Bytes / BytesPerKibibyte).ToString(CultureInfo.InvariantCulture)} KiB"
        : $"{Bytes.ToString(CultureInfo.InvariantCulture)} bytes";
}
