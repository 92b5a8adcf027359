#pragma once

// Shared by the fuzz targets: an invariant that fails prints what broke and aborts, which libFuzzer reports as a
// crash and saves the input for.

#include <QString>

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond, what)                                                                                         \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            std::fprintf(stderr, "invariant failed at %s:%d: %s\n  %s\n", __FILE__, __LINE__, #cond,                   \
                         qPrintable(QString(what)));                                                                   \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (0)
