using System.Buffers;
using Lkm.Sdk.Amf;
using Lkm.Sdk.Tests.Support;
using Lkm.Testing;

namespace Lkm.Sdk.Tests.Amf;

public class Amf0Tests
{
    [Fact]
    public void Connect_command_from_ffmpeg_decodes()
    {
        // "connect", 1, {app: "live", type: "nonprivate", flashVer: "FMLE/3.0", tcUrl: "rtmp://127.0.0.1:1935/live"}, laid out by hand
        // from the AMF0 spec the way ffmpeg's RTMP muxer sends it (string markers, object end 00 00 09).
        static string Str(string text) => Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes(text));
        static string Key(string key) => $"{key.Length:x4}{Str(key)}";
        static string Value(string text) => $"02{text.Length:x4}{Str(text)}";
        var bytes = Hex.Bytes(
            Value("connect") + "003ff0000000000000" + "03" +
            Key("app") + Value("live") +
            Key("type") + Value("nonprivate") +
            Key("flashVer") + Value("FMLE/3.0") +
            Key("tcUrl") + Value("rtmp://127.0.0.1:1935/live") +
            "000009");
        var values = Amf0.DecodeAll(bytes);
        Assert.Equal(3, values.Count);
        Assert.Equal("connect", values[0]);
        Assert.Equal(1.0, values[1]);
        var command = Assert.IsType<Amf0Object>(values[2]);
        Assert.Equal(["app", "type", "flashVer", "tcUrl"], command.Select(p => p.Key));
        Assert.Equal("live", command["app"]);
        Assert.Equal("rtmp://127.0.0.1:1935/live", command["tcUrl"]);
        Assert.Null(command["missing"]);
        Assert.False(command.IsEcmaArray);
    }

    [Fact]
    public void Every_type_round_trips()
    {
        var date = new DateTime(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc);
        var nested = new Amf0Object { { "level", 2.0 }, { "deeper", new Amf0Object { { "x", "y" } } } };
        var ecma = new Amf0Object { IsEcmaArray = true };
        ecma.Add("width", 1280.0);
        ecma.Add("stereo", true);
        var typed = new Amf0Object { ClassName = "flex.Thing" };
        typed.Add("id", 5.0);
        object?[] values =
        [
            3.5, true, false, "héllo 世界", string.Empty, null, nested, ecma, typed,
            new List<object?> { 1.0, "two", null, new List<object?>() }, date, new string('x', 70000),
        ];

        var bytes = Amf0.Encode(values);
        var decoded = Amf0.DecodeAll(bytes);
        Assert.Equal(values.Length, decoded.Count);
        Assert.Equal(3.5, decoded[0]);
        Assert.Equal(true, decoded[1]);
        Assert.Equal(false, decoded[2]);
        Assert.Equal("héllo 世界", decoded[3]);
        Assert.Equal(string.Empty, decoded[4]);
        Assert.Null(decoded[5]);
        var nestedBack = Assert.IsType<Amf0Object>(decoded[6]);
        Assert.Equal("y", Assert.IsType<Amf0Object>(nestedBack["deeper"])["x"]);
        var ecmaBack = Assert.IsType<Amf0Object>(decoded[7]);
        Assert.True(ecmaBack.IsEcmaArray);
        Assert.Equal(1280.0, ecmaBack["width"]);
        var typedBack = Assert.IsType<Amf0Object>(decoded[8]);
        Assert.Equal("flex.Thing", typedBack.ClassName);
        Assert.Equal(5.0, typedBack["id"]);
        var list = Assert.IsType<List<object?>>(decoded[9]);
        Assert.Equal(4, list.Count);
        Assert.Equal("two", list[1]);
        Assert.Equal(date, decoded[10]);
        Assert.Equal(70000, Assert.IsType<string>(decoded[11]).Length);

        // Same bytes when written again: the decoded form keeps everything the encoding needs.
        Assert.Equal(bytes, Amf0.Encode([.. decoded]));
    }

    [Fact]
    public void Clr_numbers_dictionaries_and_lists_are_written_as_amf0()
    {
        var bytes = Amf0.Encode(42, 7L, 1.5f, 3u, (byte)9, new Dictionary<string, object?> { ["a"] = 1 }, new object?[] { "x" }, new[] { 1, 2 });
        var decoded = Amf0.DecodeAll(bytes);
        Assert.Equal([42.0, 7.0, 1.5, 3.0, 9.0], decoded.Take(5));
        Assert.Equal(1.0, Assert.IsType<Amf0Object>(decoded[5])["a"]);
        Assert.Equal("x", Assert.Single(Assert.IsType<List<object?>>(decoded[6])));
        Assert.Equal([1.0, 2.0], Assert.IsType<List<object?>>(decoded[7]));
        Assert.Throws<ArgumentException>(() => Amf0.Encode(new object()));

        // An IList<object?> that is not a non-generic IList is still a strict array.
        var custom = Amf0.DecodeAll(Amf0.Encode(new OnlyGenericList { "a", 2.0 }));
        Assert.Equal(["a", 2.0], Assert.IsType<List<object?>>(Assert.Single(custom)));
    }

    [Fact]
    public void Number_and_string_have_the_spec_byte_layout()
    {
        Assert.Equal(Hex.Bytes("00 3ff0000000000000"), Amf0.Encode(1.0));
        Assert.Equal(Hex.Bytes("02 0003 616263"), Amf0.Encode("abc"));
        Assert.Equal(Hex.Bytes("01 01 05"), Amf0.Encode(true, null));
        var buffer = new ArrayBufferWriter<byte>();
        Amf0.WriteEcmaArray(buffer, [new("a", 1.0)]);
        Assert.Equal(Hex.Bytes("08 00000001 0001 61 00 3ff0000000000000 000009"), buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Ecma_array_without_end_marker_is_accepted_at_its_declared_count()
    {
        var bytes = Hex.Bytes("08 00000001 0001 61 00 3ff0000000000000");
        var array = Assert.IsType<Amf0Object>(Assert.Single(Amf0.DecodeAll(bytes)));
        Assert.Equal(1.0, array["a"]);
    }

    [Fact]
    public void References_resolve_to_earlier_objects_but_not_to_enclosing_ones()
    {
        // [ {a:1}, ref 1 ]: the strict array is reference 0, the object reference 1.
        var bytes = Hex.Bytes("0a 00000002 03 0001 61 00 3ff0000000000000 000009 07 0001");
        var list = Assert.IsType<List<object?>>(Assert.Single(Amf0.DecodeAll(bytes)));
        Assert.Same(list[0], list[1]);

        // {self: ref 0} would be a cycle.
        Assert.Throws<Amf0FormatException>(() => Amf0.DecodeAll(Hex.Bytes("03 0004 73656c66 07 0000 000009")));
        Assert.Throws<Amf0FormatException>(() => Amf0.DecodeAll(Hex.Bytes("07 0000")));
    }

    [Fact]
    public void Decode_reads_one_value_from_a_multi_segment_sequence()
    {
        var bytes = Amf0.Encode("onStatus", 0.0, null, new Amf0Object { { "code", "NetStream.Play.Start" } });
        var sequence = SegmentedSequence.OfFixedSize(bytes, 3);
        var reader = new SequenceReader<byte>(sequence);
        Assert.Equal("onStatus", Amf0.Decode(ref reader));
        Assert.Equal(0.0, Amf0.Decode(ref reader));
        Assert.Null(Amf0.Decode(ref reader));
        Assert.Equal("NetStream.Play.Start", Assert.IsType<Amf0Object>(Amf0.Decode(ref reader))["code"]);
        Assert.True(reader.End);
        Assert.Equal(4, Amf0.DecodeAll(sequence).Count);
    }

    [Fact]
    public void Decode_failure_leaves_the_reader_where_it_was()
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(Hex.Bytes("02 0010 6162")));
        try
        {
            Amf0.Decode(ref reader);
            Assert.Fail("expected Amf0FormatException");
        }
        catch (Amf0FormatException)
        {
        }

        Assert.Equal(0, reader.Consumed);
    }

    [Fact]
    public void Nesting_deeper_than_the_limit_is_refused_both_ways()
    {
        var deep = new List<byte>();
        for (int i = 0; i < 100; i++)
        {
            deep.AddRange(Hex.Bytes("0a 00000001"));
        }

        deep.Add(0x05);
        var ex = Assert.Throws<Amf0FormatException>(() => Amf0.DecodeAll(deep.ToArray()));
        Assert.Contains("nesting", ex.Message);

        object? value = null;
        for (int i = 0; i < 40; i++)
        {
            value = new List<object?> { value };
        }

        Assert.Throws<ArgumentException>(() => Amf0.Encode(value));

        var cyclic = new Amf0Object();
        cyclic.Add("self", cyclic);
        Assert.Throws<ArgumentException>(() => Amf0.Encode(cyclic));
    }

    [Theory]
    [InlineData("")] // empty data has no values: fine for DecodeAll
    public void Empty_data_has_no_values(string hex) => Assert.Empty(Amf0.DecodeAll(Hex.Bytes(hex)));

    [Theory]
    [InlineData("00 3ff000")] // number cut short
    [InlineData("02 0005 6162")] // string longer than data
    [InlineData("0c 7fffffff 61")] // long string longer than data
    [InlineData("0a 7fffffff 05")] // strict array count beyond data
    [InlineData("03 0001 61")] // object without value/end
    [InlineData("11 01")] // AMF3 switch
    [InlineData("04")] // movieclip
    [InlineData("0b 7ff8000000000000 0000")] // NaN date
    [InlineData("ff")] // unknown marker
    public void Malformed_input_throws_amf0_format_exception(string hex)
    {
        Assert.Throws<Amf0FormatException>(() => Amf0.DecodeAll(Hex.Bytes(hex)));
    }

    private sealed class OnlyGenericList : IList<object?>
    {
        private readonly List<object?> _items = [];

        public int Count => _items.Count;

        public bool IsReadOnly => false;

        public object? this[int index]
        {
            get => _items[index];
            set => _items[index] = value;
        }

        public void Add(object? item) => _items.Add(item);

        public void Clear() => _items.Clear();

        public bool Contains(object? item) => _items.Contains(item);

        public void CopyTo(object?[] array, int arrayIndex) => _items.CopyTo(array, arrayIndex);

        public IEnumerator<object?> GetEnumerator() => _items.GetEnumerator();

        public int IndexOf(object? item) => _items.IndexOf(item);

        public void Insert(int index, object? item) => _items.Insert(index, item);

        public bool Remove(object? item) => _items.Remove(item);

        public void RemoveAt(int index) => _items.RemoveAt(index);

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
