#include "translate/sseparser.h"

#include <utility>

namespace overtext {

QList<SseEvent> SseParser::feed(QByteArrayView chunk) {
    QList<SseEvent> out;
    qsizetype i = 0;
    if (!m_started && !chunk.isEmpty()) {
        // A UTF-8 BOM may open the stream; it may itself arrive split, so wait for three bytes.
        m_line.append(chunk.data(), chunk.size());
        if (m_line.size() < 3 && QByteArrayView("\xEF\xBB\xBF").startsWith(m_line))
            return out;
        m_started = true;
        if (m_line.startsWith("\xEF\xBB\xBF"))
            m_line.remove(0, 3);
        const QByteArray pending = std::exchange(m_line, QByteArray());
        return feed(pending);
    }
    if (m_skipLf && i < chunk.size()) {
        if (chunk[i] == '\n')
            ++i;
        m_skipLf = false;
    }
    qsizetype lineStart = i;
    for (; i < chunk.size(); ++i) {
        const char c = chunk[i];
        if (c != '\n' && c != '\r')
            continue;
        if (m_line.isEmpty()) {
            processLine(chunk.sliced(lineStart, i - lineStart), out); // the whole line is in this chunk
        } else {
            m_line.append(chunk.data() + lineStart, i - lineStart);
            processLine(m_line, out);
            m_line.clear();
        }
        if (c == '\r') {
            if (i + 1 < chunk.size()) {
                if (chunk[i + 1] == '\n')
                    ++i;
            } else {
                m_skipLf = true;
            }
        }
        lineStart = i + 1;
    }
    if (lineStart < chunk.size())
        m_line.append(chunk.data() + lineStart, chunk.size() - lineStart);
    return out;
}

QList<SseEvent> SseParser::finish() {
    QList<SseEvent> out;
    if (!m_line.isEmpty()) {
        processLine(m_line, out);
        m_line.clear();
    }
    dispatch(out);
    m_skipLf = false;
    return out;
}

void SseParser::reset() {
    *this = SseParser();
}

void SseParser::processLine(QByteArrayView line, QList<SseEvent> &out) {
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line.front() == ':')
        return; // comment, e.g. ": keep-alive"
    const qsizetype colon = line.indexOf(':');
    QByteArrayView field = colon < 0 ? line : line.first(colon);
    QByteArrayView value;
    if (colon >= 0) {
        value = line.sliced(colon + 1);
        if (value.startsWith(' '))
            value = value.sliced(1);
    }
    if (field == "data") {
        if (m_hasData)
            m_data.append('\n');
        m_data.append(value.data(), value.size());
        m_hasData = true;
    } else if (field == "event") {
        m_event = QString::fromUtf8(value);
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastId = QString::fromUtf8(value);
    } else if (field == "retry") {
        bool ok = false;
        const qint64 ms = value.toLongLong(&ok);
        if (ok && ms >= 0)
            m_retryMs = ms;
    }
    // Unknown fields are ignored, as the spec requires.
}

void SseParser::dispatch(QList<SseEvent> &out) {
    if (m_hasData) {
        SseEvent ev;
        if (!m_event.isEmpty())
            ev.event = m_event;
        ev.data = m_data;
        ev.id = m_lastId;
        ev.retryMs = m_retryMs;
        out.append(std::move(ev));
    }
    m_data.clear();
    m_hasData = false;
    m_event.clear();
    m_retryMs = -1;
}

} // namespace overtext
