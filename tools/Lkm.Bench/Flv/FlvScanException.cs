namespace Lkm.Bench.Flv;

/// <summary>The FLV byte stream a player received is malformed.</summary>
public sealed class FlvScanException(string message) : Exception(message);
