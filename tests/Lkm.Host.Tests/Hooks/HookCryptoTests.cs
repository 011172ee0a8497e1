using Lkm.Host.Hooks;

namespace Lkm.Host.Tests.Hooks;

/// <summary>The crypto helper against published test vectors.</summary>
public sealed class HookCryptoTests
{
    [Theory]
    [InlineData("crypto.md5('')", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("crypto.md5('abc')", "900150983cd24fb0d6963f7d28e17f72")]
    [InlineData("crypto.md5('The quick brown fox jumps over the lazy dog')", "9e107d9d372bb6826bd81d3542a419d6")]
    [InlineData("crypto.sha256('abc')", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("crypto.sha256('')", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    // RFC 4231 test case 2
    [InlineData("crypto.hmacSha256('Jefe', 'what do ya want for nothing?')", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")]
    [InlineData("crypto.hmacSha256Base64('Jefe', 'what do ya want for nothing?')", "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=")]
    public async Task Helpers_match_known_vectors(string expression, string expected)
    {
        await using var f = new HookFixture();
        var script = f.Load("c.js", $"function on_publish(ctx) {{ return {{ allow: true, reason: {expression} }}; }}");

        var decision = await f.Run(script, HookEvent.OnPublish);

        Assert.Equal(expected, decision.Reason);
    }

    [Fact]
    public async Task Strings_are_hashed_as_utf8()
    {
        await using var f = new HookFixture();
        var script = f.Load("c.js", "function on_publish(ctx) { return { allow: true, reason: crypto.md5('\\u00e9') + ' ' + crypto.sha256(ctx.stream) }; }");

        var decision = await f.Run(script, HookEvent.OnPublish, HookFixture.Ctx(stream: "live/caf\u00e9"));

        // "é" is c3 a9 in UTF-8 (values from Python's hashlib).
        Assert.Equal("66ddcd97cfdeabb2f6fb8a999b4bc76f 385700202ba5f48f87475e6173d65f59b32b8cdc697663aa2d367e40b1d7fa17", decision.Reason);
    }
}
