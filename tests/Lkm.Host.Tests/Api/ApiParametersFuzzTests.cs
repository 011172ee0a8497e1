using System.Text;
using Lkm.Host.Api;
using Microsoft.AspNetCore.Http;

namespace Lkm.Host.Tests.Api;

/// <summary>Random and mutated bodies never make the parameter reader throw anything but <see cref="ApiException"/>.</summary>
public sealed class ApiParametersFuzzTests
{
    private static readonly string[] Seeds =
    [
        "{\"source\":\"live/a\",\"sink\":\"12\"}",
        "source=live%2Fa&sink=12",
        "{\"source\":1.5e3,\"x\":null,\"y\":true}",
        "{\"a\":[1,{\"b\":2}]}",
    ];

    private const string Specials = "{}[]\",:\\0e-+";

    [Fact]
    public async Task Random_and_mutated_bodies_only_ever_raise_ApiException()
    {
        var random = new Random(20261126);
        int refused = 0;
        for (int i = 0; i < 10_000; i++)
        {
            byte[] body = i % 2 == 0 ? Mutate(Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]), random) : RandomBytes(random);
            string contentType = random.Next(3) switch { 0 => "application/json", 1 => "application/x-www-form-urlencoded", _ => "" };
            var context = new DefaultHttpContext();
            context.Request.Method = "POST";
            context.Request.ContentType = contentType;
            context.Request.Body = new MemoryStream(body);
            try
            {
                var parameters = await ApiParameters.ReadAsync(context.Request, CancellationToken.None);
                _ = parameters.Get("source");
            }
            catch (ApiException ex)
            {
                Assert.True(ex.Status is 400 or 413, $"status {ex.Status}");
                refused++;
            }
        }

        Assert.InRange(refused, 1, 9_999);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 200)];
        random.NextBytes(bytes);
        if (bytes.Length > 0 && random.Next(2) == 0)
        {
            bytes[0] = (byte)'{';
        }

        return bytes;
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = seed.ToList();
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveAt(at);
                    break;
                default:
                    bytes.Insert(at, (byte)Specials[random.Next(Specials.Length)]);
                    break;
            }
        }

        return [.. bytes];
    }
}
