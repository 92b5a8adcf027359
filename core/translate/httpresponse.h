#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>

#include <memory>

namespace overtext {

/**
 * Reads one HTTP/1.1 response from the bytes of a connection as they arrive: status line, headers (1xx answers
 * skipped), and the body framed by Content-Length, chunked transfer coding or the connection's close, decoded from
 * `Content-Encoding: gzip` or `deflate` incrementally (zlib), so that a compressed SSE stream reaches its reader piece
 * by piece as it would uncompressed. It runs on untrusted network bytes: every limit is checked (headers 64 KiB, chunk
 * size lines 1 KiB, a compressed answer at most 256 MiB once decoded) and fuzzed (fuzz_httpresponse).
 *
 * A value on one thread; not copyable (it may own a zlib stream).
 */
class HttpResponseParser {
public:
    /// \a noBody: the answer to a HEAD request (headers only). \a headOnly: stop after the final status line and its
    /// headers (a proxy's answer to CONNECT, after which the connection carries the tunnel).
    explicit HttpResponseParser(bool noBody = false, bool headOnly = false);
    ~HttpResponseParser();
    HttpResponseParser(const HttpResponseParser &) = delete;
    HttpResponseParser &operator=(const HttpResponseParser &) = delete;

    /// Reads \a bytes; decoded body bytes are appended to \a body. False when the response is malformed (error() says
    /// why; nothing more may be fed).
    bool feed(QByteArrayView bytes, QByteArray &body);
    /// The peer closed the connection. True when that ends the response cleanly (a body framed by the close);
    /// otherwise the response is incomplete (error() is set when it was a damaged compressed body).
    bool closed(QByteArray &body);

    bool done() const { return m_phase == Phase::Done; }
    bool failed() const { return !m_error.isEmpty(); }
    /// Whether the status line and headers of the final answer have arrived.
    bool hasHead() const { return m_phase != Phase::StatusLine && m_phase != Phase::Headers; }
    int status() const { return m_status; }
    /// Response headers, names lower-case.
    const QHash<QByteArray, QByteArray> &headers() const { return m_headers; }
    /// Whether the connection may carry another exchange after this one.
    bool keepAlive() const { return m_keepAlive; }
    /// Bytes received after the end of the response (a well-behaved server sends none).
    qsizetype leftover() const { return m_in.size(); }
    /// Bytes received after the head, for headOnly parsers.
    QByteArray takeLeftover() { return std::exchange(m_in, {}); }
    /// Why the response could not be read, as the end of a sentence ("the server sent a bad chunk").
    QString error() const { return m_error; }

    static constexpr qsizetype kMaxHeaderBytes = 64 * 1024;
    static constexpr qsizetype kMaxDecodedBytes = 256 * 1024 * 1024;

private:
    enum class Phase { StatusLine, Headers, Body, Trailers, Done };
    enum class Framing { None, Length, Chunked, UntilClose };
    struct Inflater;

    bool beginBody();
    bool fail(const QString &why);
    /// Hands framed body bytes on, decoded when the body is compressed.
    bool deliver(QByteArrayView raw, QByteArray &body);
    bool endOfBody();

    bool m_noBody = false;
    bool m_headOnly = false;
    QByteArray m_in;
    Phase m_phase = Phase::StatusLine;
    Framing m_framing = Framing::None;
    int m_status = 0;
    QHash<QByteArray, QByteArray> m_headers;
    qint64 m_remaining = 0;
    bool m_chunkEnd = false;
    bool m_http10 = false;
    bool m_keepAlive = true;
    QString m_error;
    std::unique_ptr<Inflater> m_inflater;
};

} // namespace overtext
