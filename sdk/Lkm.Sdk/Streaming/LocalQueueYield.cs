using System.Runtime.CompilerServices;

namespace Lkm.Sdk.Streaming;

/// <summary>
/// An awaitable that resumes its awaiter as a work item on the current thread-pool thread's own local
/// queue (<c>preferLocal: true</c>), not the global one. A source's merge-write window wakes every player
/// of the stream at once; on the global queue those thousands of wake-ups are one FIFO line that a
/// joining player's steps (its request, its attach, its first send) wait behind. On the waking thread's
/// local queue they are run by that thread and stolen by idle ones, while every thread still takes
/// global work (new connections, hooks, other streams) before stealing. One instance per writer loop,
/// reused for every wake-up: it allocates nothing. Not thread safe: one awaiter at a time.
/// </summary>
internal sealed class LocalQueueYield : IThreadPoolWorkItem, ICriticalNotifyCompletion
{
    private Action? _continuation;

    /// <summary>Always false: awaiting always queues the continuation.</summary>
    public bool IsCompleted => false;

    public LocalQueueYield GetAwaiter() => this;

    public void GetResult()
    {
    }

    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    public void UnsafeOnCompleted(Action continuation)
    {
        // Flowing the execution context is not needed: the writer loop has none of its own to restore.
        _continuation = continuation;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    void IThreadPoolWorkItem.Execute()
    {
        var continuation = _continuation!;
        _continuation = null;
        continuation();
    }
}
