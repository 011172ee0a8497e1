namespace Lkm.Host.Streaming;

/// <summary>The plugin version a trans stream factory belongs to: counts the muxers still made by it.</summary>
public interface ITransStreamOwner
{
    void TransStreamOpened();

    void TransStreamClosed();
}
