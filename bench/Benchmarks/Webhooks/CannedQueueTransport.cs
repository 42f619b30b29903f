using System.Diagnostics.CodeAnalysis;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace HeyGenRender.Benchmarks.Webhooks;

/// <summary>
/// A transport that answers Queue service calls in memory as the service does (201 with the Put Message reply), so the
/// in-process benchmark times the journal's own work through the real SDK client without a storage round trip.
/// </summary>
internal sealed class CannedQueueTransport : HttpPipelineTransport
{
    private static readonly byte[] s_putMessageReply = Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>00000000-0000-0000-0000-000000000000</MessageId>" +
        "<InsertionTime>Tue, 01 Dec 2026 00:00:00 GMT</InsertionTime><ExpirationTime>Tue, 08 Dec 2026 00:00:00 GMT</ExpirationTime>" +
        "<PopReceipt>AgAAAAMAAAAAAAAA</PopReceipt><TimeNextVisible>Tue, 01 Dec 2026 00:00:00 GMT</TimeNextVisible></QueueMessage></QueueMessagesList>");

    public override Request CreateRequest() => new HttpClientTransport().CreateRequest();

    public override void Process(HttpMessage message) => message.Response = Reply(message.Request);

    public override ValueTask ProcessAsync(HttpMessage message)
    {
        message.Response = Reply(message.Request);
        return ValueTask.CompletedTask;
    }

    private static CannedResponse Reply(Request request) =>
        request.Method == RequestMethod.Post ? new CannedResponse(201, s_putMessageReply, request.ClientRequestId) : new CannedResponse(201, [], request.ClientRequestId);

    private sealed class CannedResponse(int status, byte[] body, string clientRequestId) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => "Created";

        // The SDK buffers and closes the body as it reads it; a canned body stays readable, as a network stream would once buffered.
        public override Stream? ContentStream { get; set; } = new UnclosableStream(body);

        public override string ClientRequestId { get; set; } = clientRequestId;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => TryGetHeader(name, out _);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => [new("Content-Type", "application/xml"), new("x-ms-request-id", ClientRequestId)];

        protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
        {
            value = EnumerateHeaders().FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Value;
            return value is not null;
        }

        protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
        {
            values = TryGetHeader(name, out var value) ? [value] : null;
            return values is not null;
        }
    }

    private sealed class UnclosableStream(byte[] body) : MemoryStream(body, writable: false)
    {
        protected override void Dispose(bool disposing)
        {
        }
    }
}
