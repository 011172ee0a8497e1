using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Lkm.Sdk.Networking;

/// <summary>
/// One reusable gather send (sendmsg) on a socket, awaitable as a <see cref="ValueTask{Int32}"/>.
/// <c>Socket.SendAsync(IList&lt;ArraySegment&lt;byte&gt;&gt;)</c> returns a new <see cref="Task{Int32}"/> per call;
/// a player writes a few times a second for hours, so its sends reuse this instead. One send at a time.
/// </summary>
internal sealed class GatherSendOperation : SocketAsyncEventArgs, IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _core = new() { RunContinuationsAsynchronously = true };

    public GatherSendOperation()
        : base(unsafeSuppressExecutionContextFlow: true)
    {
    }

    public ValueTask<int> SendAsync(Socket socket, IList<ArraySegment<byte>> buffers)
    {
        _core.Reset();
        BufferList = buffers;
        if (socket.SendAsync(this))
        {
            return new ValueTask<int>(this, _core.Version);
        }

        // Completed synchronously (the usual case: the socket had room).
        return SocketError == SocketError.Success
            ? new ValueTask<int>(BytesTransferred)
            : ValueTask.FromException<int>(new SocketException((int)SocketError));
    }

    protected override void OnCompleted(SocketAsyncEventArgs e)
    {
        if (SocketError == SocketError.Success)
        {
            _core.SetResult(BytesTransferred);
        }
        else
        {
            _core.SetException(new SocketException((int)SocketError));
        }
    }

    public int GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
