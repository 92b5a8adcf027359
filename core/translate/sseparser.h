#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace overtext {

/// One dispatched Server-Sent Event.
struct SseEvent {
    QString event = QStringLiteral("message"); ///< the `event:` field, "message" when the stream gave none
    QByteArray data;                           ///< all `data:` lines of the event joined with '\n' (UTF-8, as sent)
    QString id;                                ///< the last event id seen so far (`id:` field, sticky as the spec says)
    qint64 retryMs = -1;                       ///< the `retry:` field of this event, -1 if absent
};

/**
 * Incremental parser for the `text/event-stream` format (WHATWG HTML §9.2).
 *
 * Feed it byte chunks exactly as they arrive from the network: chunks may split lines, CRLF pairs and UTF-8 sequences
 * anywhere. Lines end with CRLF, LF or CR; comment lines (`: keep-alive`) are skipped; an event is dispatched at a
 * blank line. Unlike the browser algorithm, finish() also dispatches a last event that lacks its trailing blank
 * line, because servers that close the connection right after their final `data:` line are common.
 *
 * A value type with no thread affinity; use one instance per stream from one thread at a time.
 */
class SseParser {
public:
    /// Parses \a chunk and returns the events it completed, in order.
    QList<SseEvent> feed(QByteArrayView chunk);
    /// Ends the stream: processes a last unterminated line and dispatches a pending event.
    QList<SseEvent> finish();
    /// Forgets everything, ready for a new stream.
    void reset();
    /// The last `id:` seen (what a client would send as Last-Event-ID on reconnect).
    QString lastEventId() const { return m_lastId; }

private:
    void processLine(QByteArrayView line, QList<SseEvent> &out);
    void dispatch(QList<SseEvent> &out);

    QByteArray m_line;      // bytes of the current, unterminated line
    bool m_skipLf = false;  // the previous chunk ended with CR: a leading LF belongs to it
    bool m_started = false; // a leading UTF-8 BOM was checked for
    QByteArray m_data;      // data buffer of the pending event
    bool m_hasData = false; // at least one data line (possibly empty) was seen
    QString m_event;        // event type of the pending event
    QString m_lastId;       // sticky last event id
    qint64 m_retryMs = -1;  // retry of the pending event
};

} // namespace overtext
