namespace Lkm.Host.Api;

/// <summary>A refused API call: answered as <c>{"code":-1,"msg":Message}</c> with <see cref="Status"/>.</summary>
public sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
