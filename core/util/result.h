#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace overtext {

/// What went wrong, as a category the code can act on and a sentence the user can read.
struct Error {
    enum Code {
        Io,          ///< a file could not be read or written
        PdfLocked,   ///< the PDF needs a (different) password
        PdfDamaged,  ///< the PDF is damaged or not a PDF at all
        PdfTooHeavy, ///< the PDF exceeded the time or memory bound for reading it
        Network,     ///< the connection failed (DNS, refused, TLS, dropped)
        Service,     ///< the service answered with an error
        Auth,        ///< the service rejected the credentials
        RateLimited, ///< the service asked us to slow down
        Parse,       ///< an answer could not be understood
        Cancelled,   ///< the user or the program cancelled the work
        Timeout,     ///< the work took longer than allowed
        Usage,       ///< the caller asked for something impossible (bad option, bad range)
        Internal,    ///< a bug: an invariant did not hold
    };
    Code code = Internal;
    QString message;
    int httpStatus = 0;       ///< the HTTP status that caused it, where there was one
    qint64 retryAfterMs = -1; ///< for RateLimited/Service: how long the server asked us to wait, -1 if it did not say
};

/// A value or an Error. Core returns these across module edges instead of throwing.
template<typename T> class Result {
public:
    Result(T value)
        : m_v(std::move(value)) {}
    Result(Error error)
        : m_v(std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    /// On a temporary, the value itself (moved out), so that `for (x : f().value())` does not dangle.
    T value() && { return std::get<0>(std::move(m_v)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    const Error &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

/// Result of an operation that produces no value.
template<> class Result<void> {
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error)) {}
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

} // namespace overtext
