#pragma once

#include <sys/resource.h>

namespace testsupport {

/// CPU seconds (user + system) this process has used so far, for the benchmarks' figures.
inline double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

} // namespace testsupport
