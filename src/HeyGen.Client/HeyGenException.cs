namespace HeyGen.Client;

/// <summary>
/// An error answer from HeyGen (or a transport failure that outlived the retries): the HTTP status,
/// HeyGen's <c>error.code</c>, <c>message</c>, <c>param</c>, <c>doc_url</c>, the request id and
/// <c>Retry-After</c>.
/// </summary>
public class HeyGenException : Exception
{
    /// <summary>Creates an exception with a message.</summary>
    public HeyGenException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    /// <param name="message">The message.</param>
    public HeyGenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public HeyGenException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with all details (also usable in tests).</summary>
    /// <param name="status">The HTTP status, or 0 when no response arrived.</param>
    /// <param name="errorCode">HeyGen's error code.</param>
    /// <param name="message">The message.</param>
    /// <param name="param">The offending request field.</param>
    /// <param name="docUrl">The documentation link.</param>
    /// <param name="requestId">The request id.</param>
    /// <param name="retryAfter">How long HeyGen asked to wait.</param>
    /// <param name="innerException">The cause.</param>
    public HeyGenException(int status, HeyGenErrorCode? errorCode, string message, string? param = null, string? docUrl = null, string? requestId = null, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        ErrorCode = errorCode;
        Param = param;
        DocUrl = docUrl;
        RequestId = requestId;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status, or 0 when no response arrived.</summary>
    public int Status { get; }

    /// <summary>HeyGen's <c>error.code</c>, when the body carried one.</summary>
    public HeyGenErrorCode? ErrorCode { get; }

    /// <summary>The request field that caused a validation error.</summary>
    public string? Param { get; }

    /// <summary>A link to the error's documentation.</summary>
    public string? DocUrl { get; }

    /// <summary>The request id from the response headers (<c>X-Request-Id</c>), for support.</summary>
    public string? RequestId { get; }

    /// <summary>
    /// How long HeyGen asked to wait (<c>Retry-After</c>). Set when it exceeded
    /// <see cref="HeyGenClientOptions.MaxRetryAfter"/> or the retries ran out: wait durably, then try again.
    /// </summary>
    public TimeSpan? RetryAfter { get; }
}
