namespace Lkm.Sdk.MpegPs;

/// <summary>What a <see cref="PsDemuxer"/> hands on.</summary>
public interface IPsFrameReceiver
{
    /// <summary>A whole frame of one elementary stream.</summary>
    void OnFrame(in PsFrame frame);
}
