#include "translate/httpresponse.h"

#include <QList>

#include <zlib.h>

namespace overtext {

/// An incremental zlib inflate: gzip (and concatenated gzip members), zlib-wrapped or raw deflate.
struct HttpResponseParser::Inflater {
    z_stream z{};
    bool ready = false;
    bool ended = false; ///< the current stream reached its end
    bool gzip = false;
    bool detect = false; ///< deflate: zlib header or raw, decided on the first two bytes
    QByteArray head;     ///< the first byte while detect waits for the second
    qint64 produced = 0;

    ~Inflater() {
        if (ready)
            inflateEnd(&z);
    }
    bool init(int windowBits) {
        ready = inflateInit2(&z, windowBits) == Z_OK;
        return ready;
    }
};

HttpResponseParser::HttpResponseParser(bool noBody, bool headOnly)
    : m_noBody(noBody)
    , m_headOnly(headOnly) {}

HttpResponseParser::~HttpResponseParser() = default;

bool HttpResponseParser::fail(const QString &why) {
    if (m_error.isEmpty())
        m_error = why;
    return false;
}

bool HttpResponseParser::feed(QByteArrayView bytes, QByteArray &body) {
    if (failed())
        return false;
    m_in.append(bytes.data(), bytes.size());
    if (m_phase == Phase::Done)
        return true;
    qsizetype pos = 0;
    QByteArray l;
    auto line = [&](QByteArray &out) {
        const qsizetype end = m_in.indexOf('\n', pos);
        if (end < 0)
            return false;
        out = m_in.mid(pos, end - pos);
        if (out.endsWith('\r'))
            out.chop(1);
        pos = end + 1;
        return true;
    };
    bool ok = true;
    while (ok && m_phase != Phase::Done) {
        if (m_phase == Phase::StatusLine || m_phase == Phase::Headers || m_phase == Phase::Trailers) {
            if (!line(l)) {
                if (m_in.size() - pos > kMaxHeaderBytes)
                    ok = fail(QStringLiteral("the server sent an over-long header"));
                break;
            }
            if (m_phase == Phase::StatusLine) {
                if (!l.startsWith("HTTP/1.")) {
                    ok = fail(QStringLiteral("the server did not answer in HTTP"));
                    break;
                }
                const QList<QByteArray> parts = l.split(' ');
                bool number = false;
                m_status = parts.value(1).toInt(&number);
                if (!number || m_status < 100 || m_status > 999) {
                    ok = fail(QStringLiteral("the server sent a bad status line"));
                    break;
                }
                m_http10 = l.startsWith("HTTP/1.0");
                m_headers.clear();
                m_phase = Phase::Headers;
            } else if (m_phase == Phase::Headers) {
                if (l.isEmpty()) {
                    if (m_status < 200) { // 100 Continue, 103 Early Hints: the real answer follows
                        m_phase = Phase::StatusLine;
                        continue;
                    }
                    ok = beginBody();
                    continue;
                }
                if (m_headers.size() >= 1000) {
                    ok = fail(QStringLiteral("the server sent too many headers"));
                    break;
                }
                const qsizetype colon = l.indexOf(':');
                if (colon > 0)
                    m_headers.insert(l.left(colon).trimmed().toLower(), l.mid(colon + 1).trimmed());
            } else if (l.isEmpty()) { // end of the trailers
                ok = endOfBody();
                m_phase = Phase::Done;
            }
            continue;
        }
        // Phase::Body
        if (m_framing == Framing::UntilClose) {
            ok = deliver(QByteArrayView(m_in).sliced(pos), body);
            pos = m_in.size();
            break;
        }
        if (m_framing == Framing::Length) {
            const qsizetype n = qMin<qint64>(m_remaining, m_in.size() - pos);
            ok = deliver(QByteArrayView(m_in).sliced(pos, n), body);
            pos += n;
            m_remaining -= n;
            if (ok && m_remaining == 0) {
                ok = endOfBody();
                m_phase = Phase::Done;
            }
            break;
        }
        // Chunked.
        if (m_remaining > 0) {
            const qsizetype n = qMin<qint64>(m_remaining, m_in.size() - pos);
            ok = deliver(QByteArrayView(m_in).sliced(pos, n), body);
            pos += n;
            m_remaining -= n;
            if (m_remaining > 0)
                break;
            m_chunkEnd = true;
            continue;
        }
        if (!line(l)) {
            if (m_in.size() - pos > 1024)
                ok = fail(QStringLiteral("the server sent a bad chunk"));
            break;
        }
        if (m_chunkEnd) { // the CRLF after a chunk's data
            m_chunkEnd = false;
            if (!l.isEmpty())
                ok = fail(QStringLiteral("the server sent a bad chunk"));
            continue;
        }
        const qsizetype semicolon = l.indexOf(';');
        bool number = false;
        const QByteArray sizeText = (semicolon >= 0 ? l.left(semicolon) : l).trimmed();
        const qint64 size = sizeText.size() <= 15 ? sizeText.toLongLong(&number, 16) : -1;
        if (!number || size < 0) {
            ok = fail(QStringLiteral("the server sent a bad chunk size"));
            break;
        }
        if (size == 0)
            m_phase = Phase::Trailers;
        else
            m_remaining = size;
    }
    m_in.remove(0, pos);
    return ok;
}

bool HttpResponseParser::beginBody() {
    const QByteArray connection = m_headers.value("connection").toLower();
    m_keepAlive = m_http10 ? connection.contains("keep-alive") : !connection.contains("close");
    if (m_headOnly) {
        m_framing = Framing::None;
        m_phase = Phase::Done;
        return true;
    }
    if (m_noBody || m_status == 204 || m_status == 304) {
        m_framing = Framing::None;
        m_phase = Phase::Done;
        return true;
    }
    const QByteArray encoding = m_headers.value("content-encoding").trimmed().toLower();
    if (encoding == "gzip" || encoding == "x-gzip" || encoding == "deflate") {
        m_inflater = std::make_unique<Inflater>();
        m_inflater->gzip = encoding != "deflate";
        m_inflater->detect = !m_inflater->gzip;
        if (m_inflater->gzip && !m_inflater->init(16 + MAX_WBITS))
            return fail(QStringLiteral("zlib could not start"));
    } else if (!encoding.isEmpty() && encoding != "identity") {
        return fail(QStringLiteral("the server answered with Content-Encoding: %1, which Overtext cannot decode (it "
                                   "asks for identity and reads gzip and deflate)")
                        .arg(QString::fromLatin1(encoding.left(40))));
    }
    if (m_headers.value("transfer-encoding").toLower().contains("chunked")) {
        m_framing = Framing::Chunked;
        m_phase = Phase::Body;
    } else if (m_headers.contains("content-length")) {
        bool ok = false;
        m_remaining = m_headers.value("content-length").toLongLong(&ok);
        if (!ok || m_remaining < 0)
            return fail(QStringLiteral("the server sent a bad Content-Length"));
        m_framing = Framing::Length;
        m_phase = Phase::Body;
        if (m_remaining == 0) {
            m_phase = Phase::Done;
            return endOfBody();
        }
    } else {
        m_framing = Framing::UntilClose;
        m_keepAlive = false;
        m_phase = Phase::Body;
    }
    return true;
}

bool HttpResponseParser::deliver(QByteArrayView raw, QByteArray &body) {
    if (raw.isEmpty())
        return true;
    if (!m_inflater) {
        body.append(raw.data(), raw.size());
        return true;
    }
    Inflater &inf = *m_inflater;
    QByteArray joined;
    if (inf.detect) {
        // "deflate" is meant to be zlib-wrapped (RFC 9110), but some servers send raw deflate: the zlib header's
        // check bits tell them apart, once two bytes are there (however the network cut them).
        if (inf.head.size() + raw.size() < 2) {
            inf.head.append(raw.data(), raw.size());
            return true;
        }
        joined = inf.head + QByteArray(raw.data(), raw.size());
        raw = joined;
        const bool zlibHeader = (quint8(raw[0]) & 0x0f) == 8 && ((quint8(raw[0]) << 8) | quint8(raw[1])) % 31 == 0;
        inf.detect = false;
        if (!inf.init(zlibHeader ? MAX_WBITS : -MAX_WBITS))
            return fail(QStringLiteral("zlib could not start"));
    }
    inf.z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(raw.data()));
    inf.z.avail_in = uInt(raw.size());
    char out[16384];
    while (inf.z.avail_in > 0) {
        if (inf.ended) {
            // Another gzip member follows (concatenated gzip); anything else after the end is damage.
            if (!inf.gzip)
                return fail(QStringLiteral("the server's compressed answer has bytes after its end"));
            inflateReset(&inf.z);
            inf.ended = false;
        }
        inf.z.next_out = reinterpret_cast<Bytef *>(out);
        inf.z.avail_out = sizeof out;
        const int rc = inflate(&inf.z, Z_NO_FLUSH);
        const qsizetype n = qsizetype(sizeof out - inf.z.avail_out);
        if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && n > 0))
            return fail(QStringLiteral("the server's compressed (%1) answer is damaged")
                            .arg(inf.gzip ? QStringLiteral("gzip") : QStringLiteral("deflate")));
        inf.produced += n;
        if (inf.produced > kMaxDecodedBytes)
            return fail(QStringLiteral("the server's compressed answer is larger than %1 MiB once decoded")
                            .arg(kMaxDecodedBytes >> 20));
        body.append(out, n);
        if (rc == Z_STREAM_END)
            inf.ended = true;
        else if (n == 0 && inf.z.avail_in > 0)
            return fail(QStringLiteral("the server's compressed answer is damaged"));
    }
    // Output may still be pending inside zlib when the output buffer filled exactly: drain it.
    while (!inf.ended) {
        inf.z.next_out = reinterpret_cast<Bytef *>(out);
        inf.z.avail_out = sizeof out;
        const int rc = inflate(&inf.z, Z_NO_FLUSH);
        const qsizetype n = qsizetype(sizeof out - inf.z.avail_out);
        if (n == 0)
            break;
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
            return fail(QStringLiteral("the server's compressed answer is damaged"));
        inf.produced += n;
        if (inf.produced > kMaxDecodedBytes)
            return fail(QStringLiteral("the server's compressed answer is larger than %1 MiB once decoded")
                            .arg(kMaxDecodedBytes >> 20));
        body.append(out, n);
        if (rc == Z_STREAM_END)
            inf.ended = true;
    }
    return true;
}

bool HttpResponseParser::endOfBody() {
    if (m_inflater && (m_inflater->detect ? !m_inflater->head.isEmpty() : !m_inflater->ended))
        return fail(QStringLiteral("the server's compressed answer ended before its end"));
    return true;
}

bool HttpResponseParser::closed(QByteArray &body) {
    Q_UNUSED(body);
    if (failed())
        return false;
    if (m_phase == Phase::Body && m_framing == Framing::UntilClose) {
        m_keepAlive = false;
        if (!endOfBody())
            return false;
        m_phase = Phase::Done;
        return true;
    }
    return m_phase == Phase::Done;
}

} // namespace overtext
