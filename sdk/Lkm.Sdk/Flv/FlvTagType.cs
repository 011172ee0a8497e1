namespace Lkm.Sdk.Flv;

/// <summary>Tag types of the FLV file format.</summary>
public enum FlvTagType : byte
{
    /// <summary>Audio data.</summary>
    Audio = 8,
    /// <summary>Video data.</summary>
    Video = 9,
    /// <summary>Script data (AMF0, e.g. onMetaData).</summary>
    Script = 18,
}
