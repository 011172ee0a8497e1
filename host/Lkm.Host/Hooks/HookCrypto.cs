using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Lkm.Host.Hooks;

/// <summary>The hashes behind the scripts' <c>crypto</c> helper: strings are UTF-8, results lowercase hex (or base64).</summary>
internal static class HookCrypto
{
    public static string Md5(string text) => Hash(text, static (data, hash) => MD5.HashData(data, hash), MD5.HashSizeInBytes);

    public static string Sha256(string text) => Hash(text, static (data, hash) => SHA256.HashData(data, hash), SHA256.HashSizeInBytes);

    public static string HmacSha256(string key, string text) => Convert.ToHexStringLower(HmacSha256Bytes(key, text));

    public static string HmacSha256Base64(string key, string text) => Convert.ToBase64String(HmacSha256Bytes(key, text));

    private delegate int HashFunc(ReadOnlySpan<byte> data, Span<byte> hash);

    private static string Hash(string text, HashFunc hashFunc, int size)
    {
        byte[] rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            int length = Encoding.UTF8.GetBytes(text, rented);
            Span<byte> hash = stackalloc byte[size];
            hashFunc(rented.AsSpan(0, length), hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static byte[] HmacSha256Bytes(string key, string text) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(text));
}
