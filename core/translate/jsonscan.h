#pragma once

#include <QByteArrayView>
#include <QString>

namespace overtext {

/**
 * A strict, forward-only reader of one JSON text (RFC 8259) that picks out a few fields without building a document:
 * what a stream event needs, read tens of thousands of times per batch. Every value it passes over is still checked
 * against the grammar, so a text it accepts is one QJsonDocument accepts too.
 *
 * It gives up (returns false) on anything it does not handle exactly as QJsonDocument would — invalid JSON, nesting
 * deeper than 64, escapes in object keys, lone surrogates, invalid UTF-8, numbers that are not plain integers where
 * one is read — and its callers then read the text with QJsonDocument instead.
 */
class JsonScanner {
public:
    enum class Type { Object, Array, String, Number, Bool, Null, Invalid };

    explicit JsonScanner(QByteArrayView text)
        : m_text(text) {}

    /// The type of the value at the cursor (whitespace skipped).
    Type peek();

    /// Reads an object, calling member(key) with the cursor at each member's value; member must read or skip it and
    /// return false to give up. Keys are passed raw (no escapes allowed).
    template<typename F> bool readObject(F &&member);
    /// Reads an array, calling element(index) with the cursor at each element (same contract as readObject).
    template<typename F> bool readArray(F &&element);
    /// Reads a string into \a out (may be null: only checked).
    bool readString(QString *out);
    /// Reads a number that is a plain integer (no fraction, no exponent, within qint64).
    bool readInteger(qint64 *out);
    /// Passes over any value, checking it.
    bool skip();
    /// True when only whitespace is left.
    bool atEnd();

private:
    void space();
    bool literal(const char *word);
    bool number(bool *integral);
    bool enter();
    bool readKey(QByteArrayView *key);

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    int m_depth = 0;
};

template<typename F> bool JsonScanner::readObject(F &&member) {
    if (peek() != Type::Object || !enter())
        return false;
    ++m_pos;
    space();
    if (m_pos < m_text.size() && m_text[m_pos] == '}') {
        ++m_pos;
        --m_depth;
        return true;
    }
    for (;;) {
        QByteArrayView key;
        if (!readKey(&key))
            return false;
        space();
        if (m_pos >= m_text.size() || m_text[m_pos] != ':')
            return false;
        ++m_pos;
        if (!member(key))
            return false;
        space();
        if (m_pos >= m_text.size())
            return false;
        const char c = m_text[m_pos++];
        if (c == '}')
            break;
        if (c != ',')
            return false;
        space();
    }
    --m_depth;
    return true;
}

template<typename F> bool JsonScanner::readArray(F &&element) {
    if (peek() != Type::Array || !enter())
        return false;
    ++m_pos;
    space();
    if (m_pos < m_text.size() && m_text[m_pos] == ']') {
        ++m_pos;
        --m_depth;
        return true;
    }
    for (int index = 0;; ++index) {
        if (!element(index))
            return false;
        space();
        if (m_pos >= m_text.size())
            return false;
        const char c = m_text[m_pos++];
        if (c == ']')
            break;
        if (c != ',')
            return false;
    }
    --m_depth;
    return true;
}

} // namespace overtext
