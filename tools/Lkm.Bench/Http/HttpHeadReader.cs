using System.Buffers;
using System.IO.Pipelines;

namespace Lkm.Bench.Http;

/// <summary>Reads a response head off a pipe, leaving whatever follows it (the body) unconsumed.</summary>
public static class HttpHeadReader
{
    public static async Task<HttpResponseHead> ReadAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var reader = new SequenceReader<byte>(buffer);
            if (HttpResponseHead.TryParse(ref reader, out var head))
            {
                input.AdvanceTo(reader.Position);
                return head;
            }

            if (result.IsCompleted)
            {
                throw new EndOfStreamException("closed by the server before the response head");
            }

            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
