#include "translate/jsonscan.h"

#include <limits>

namespace overtext {

namespace {

constexpr int kMaxDepth = 64;

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// Length of the well-formed UTF-8 sequence at \a p (at most \a left bytes), 0 when it is not one (overlong forms,
/// surrogates and code points above U+10FFFF included).
int utf8Length(const unsigned char *p, qsizetype left) {
    const unsigned char c = p[0];
    auto cont = [&](int i) { return i < left && (p[i] & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF)
        return cont(1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (!cont(1) || !cont(2))
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (!cont(1) || !cont(2) || !cont(3))
            return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

} // namespace

void JsonScanner::space() {
    while (m_pos < m_text.size()) {
        const char c = m_text[m_pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        ++m_pos;
    }
}

JsonScanner::Type JsonScanner::peek() {
    space();
    if (m_pos >= m_text.size())
        return Type::Invalid;
    switch (m_text[m_pos]) {
    case '{':
        return Type::Object;
    case '[':
        return Type::Array;
    case '"':
        return Type::String;
    case 't':
    case 'f':
        return Type::Bool;
    case 'n':
        return Type::Null;
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
        return Type::Number;
    default:
        return Type::Invalid;
    }
}

bool JsonScanner::atEnd() {
    space();
    return m_pos == m_text.size();
}

bool JsonScanner::enter() {
    return ++m_depth <= kMaxDepth;
}

bool JsonScanner::literal(const char *word) {
    const QByteArrayView w(word);
    if (m_text.size() - m_pos < w.size() || m_text.sliced(m_pos, w.size()) != w)
        return false;
    m_pos += w.size();
    return true;
}

bool JsonScanner::number(bool *integral) {
    *integral = true;
    const qsizetype n = m_text.size();
    if (m_pos < n && m_text[m_pos] == '-')
        ++m_pos;
    auto digits = [&]() {
        const qsizetype start = m_pos;
        while (m_pos < n && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
            ++m_pos;
        return m_pos - start;
    };
    if (m_pos < n && m_text[m_pos] == '0')
        ++m_pos;
    else if (digits() == 0)
        return false;
    if (m_pos < n && m_text[m_pos] == '.') {
        *integral = false;
        ++m_pos;
        if (digits() == 0)
            return false;
    }
    if (m_pos < n && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
        *integral = false;
        ++m_pos;
        if (m_pos < n && (m_text[m_pos] == '+' || m_text[m_pos] == '-'))
            ++m_pos;
        if (digits() == 0)
            return false;
    }
    return true;
}

bool JsonScanner::readInteger(qint64 *out) {
    if (peek() != Type::Number)
        return false;
    const qsizetype start = m_pos;
    bool integral = false;
    if (!number(&integral) || !integral || m_pos - start > 18) // 18 digits always fit a qint64
        return false;
    bool ok = false;
    const qint64 v = m_text.sliced(start, m_pos - start).toLongLong(&ok);
    if (!ok)
        return false;
    *out = v;
    return true;
}

bool JsonScanner::readKey(QByteArrayView *key) {
    if (m_pos >= m_text.size() || m_text[m_pos] != '"')
        return false;
    const qsizetype start = ++m_pos;
    while (m_pos < m_text.size()) {
        const unsigned char c = static_cast<unsigned char>(m_text[m_pos]);
        if (c == '"') {
            *key = m_text.sliced(start, m_pos - start);
            ++m_pos;
            return true;
        }
        if (c == '\\' || c < 0x20 || c >= 0x80) // escaped or non-ASCII keys: left to QJsonDocument
            return false;
        ++m_pos;
    }
    return false;
}

bool JsonScanner::readString(QString *out) {
    if (peek() != Type::String)
        return false;
    ++m_pos;
    const qsizetype n = m_text.size();
    const auto *bytes = reinterpret_cast<const unsigned char *>(m_text.data());
    if (out)
        out->clear();
    qsizetype run = m_pos; // start of the bytes not yet appended to out
    auto flush = [&](qsizetype end) {
        if (out && end > run)
            out->append(QString::fromUtf8(m_text.sliced(run, end - run)));
    };
    while (m_pos < n) {
        const unsigned char c = bytes[m_pos];
        if (c == '"') {
            flush(m_pos);
            ++m_pos;
            return true;
        }
        if (c < 0x20)
            return false;
        if (c >= 0x80) {
            const int len = utf8Length(bytes + m_pos, n - m_pos);
            if (len == 0)
                return false;
            m_pos += len;
            continue;
        }
        if (c != '\\') {
            ++m_pos;
            continue;
        }
        flush(m_pos);
        if (++m_pos >= n)
            return false;
        char16_t unit = 0;
        switch (m_text[m_pos]) {
        case '"':
            unit = u'"';
            break;
        case '\\':
            unit = u'\\';
            break;
        case '/':
            unit = u'/';
            break;
        case 'b':
            unit = u'\b';
            break;
        case 'f':
            unit = u'\f';
            break;
        case 'n':
            unit = u'\n';
            break;
        case 'r':
            unit = u'\r';
            break;
        case 't':
            unit = u'\t';
            break;
        case 'u': {
            auto hex4 = [&](qsizetype at, char16_t *v) {
                if (n - at < 4)
                    return false;
                int value = 0;
                for (int i = 0; i < 4; ++i) {
                    const int h = hexValue(m_text[at + i]);
                    if (h < 0)
                        return false;
                    value = value * 16 + h;
                }
                *v = char16_t(value);
                return true;
            };
            if (!hex4(m_pos + 1, &unit))
                return false;
            m_pos += 4;
            if (QChar::isLowSurrogate(unit))
                return false;
            if (QChar::isHighSurrogate(unit)) {
                char16_t low = 0;
                if (n - m_pos < 7 || m_text[m_pos + 1] != '\\' || m_text[m_pos + 2] != 'u' || !hex4(m_pos + 3, &low) ||
                    !QChar::isLowSurrogate(low))
                    return false;
                m_pos += 6;
                if (out) {
                    out->append(QChar(unit));
                    out->append(QChar(low));
                }
                ++m_pos;
                run = m_pos;
                continue;
            }
            break;
        }
        default:
            return false;
        }
        if (out)
            out->append(QChar(unit));
        ++m_pos;
        run = m_pos;
    }
    return false;
}

bool JsonScanner::skip() {
    switch (peek()) {
    case Type::Object:
        return readObject([this](QByteArrayView) { return skip(); });
    case Type::Array:
        return readArray([this](int) { return skip(); });
    case Type::String:
        return readString(nullptr);
    case Type::Number: {
        bool integral = false;
        return number(&integral);
    }
    case Type::Bool:
        return literal("true") || literal("false");
    case Type::Null:
        return literal("null");
    case Type::Invalid:
        break;
    }
    return false;
}

} // namespace overtext
