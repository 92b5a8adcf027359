// deny-namespaces: runs a command in which the kernel refuses new namespaces, as Docker's default seccomp profile and
// many CI containers do, so that the test suite can be shown to skip (not fail) where unshare is not allowed.
//
//   deny-namespaces COMMAND [ARGS...]   run COMMAND (found on PATH) under the filter; it and all its children keep it
//   deny-namespaces --check             install the filter and verify that unshare and clone are refused (exit 0)
//
// The filter (seccomp BPF, installed after PR_SET_NO_NEW_PRIVS, inherited across fork and exec) answers EPERM to
// unshare() and clone() asking for any new namespace and to setns(), and ENOSYS to clone3() — whose flags sit in
// memory a filter cannot read — so that the C library falls back to clone(), exactly as under Docker. Everything else,
// threads and processes included, is allowed. It is a test harness, not a sandbox.
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

#if defined(__x86_64__)
constexpr unsigned kArch = AUDIT_ARCH_X86_64;
#elif defined(__aarch64__)
constexpr unsigned kArch = AUDIT_ARCH_AARCH64;
#else
#error "deny-namespaces knows the system call ABI of x86-64 and AArch64 only"
#endif

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

// Every namespace flag. CLONE_NEWTIME shares its bit with clone()'s exit signal, so clone() is checked without it
// (a new time namespace can only be asked for through clone3 or unshare).
constexpr unsigned kCloneNamespaces =
    CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;
constexpr unsigned kUnshareNamespaces = kCloneNamespaces | CLONE_NEWTIME;

constexpr unsigned kNr = offsetof(seccomp_data, nr);
constexpr unsigned kArchOffset = offsetof(seccomp_data, arch);
// The low 32 bits of the first argument (little-endian), where every namespace flag lives.
constexpr unsigned kArg0 = offsetof(seccomp_data, args);

sock_filter stmt(unsigned short code, unsigned k) {
    return BPF_STMT(code, k);
}
sock_filter jump(unsigned short code, unsigned k, unsigned char ifTrue, unsigned char ifFalse) {
    return BPF_JUMP(code, k, ifTrue, ifFalse);
}

std::vector<sock_filter> program() {
    const unsigned eperm = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
    const unsigned enosys = SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA);
    return {
        // A foreign ABI (for example i386 on x86-64) is refused outright rather than let through unchecked.
        stmt(BPF_LD | BPF_W | BPF_ABS, kArchOffset), jump(BPF_JMP | BPF_JEQ | BPF_K, kArch, 1, 0),
            stmt(BPF_RET | BPF_K, eperm), stmt(BPF_LD | BPF_W | BPF_ABS, kNr),
#if defined(__x86_64__)
            // x32 system calls carry this bit: refused likewise.
            jump(BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 0, 1), stmt(BPF_RET | BPF_K, eperm),
#endif
            jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone3, 0, 1), stmt(BPF_RET | BPF_K, enosys),
            jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_setns, 0, 1), stmt(BPF_RET | BPF_K, eperm),
            jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_unshare, 0, 4), stmt(BPF_LD | BPF_W | BPF_ABS, kArg0),
            jump(BPF_JMP | BPF_JSET | BPF_K, kUnshareNamespaces, 0, 1), stmt(BPF_RET | BPF_K, eperm),
            stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), jump(BPF_JMP | BPF_JEQ | BPF_K, SYS_clone, 0, 3),
            stmt(BPF_LD | BPF_W | BPF_ABS, kArg0), jump(BPF_JMP | BPF_JSET | BPF_K, kCloneNamespaces, 0, 1),
            stmt(BPF_RET | BPF_K, eperm), stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
}

bool install() {
    std::vector<sock_filter> filter = program();
    sock_fprog prog{static_cast<unsigned short>(filter.size()), filter.data()};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        std::fprintf(stderr, "deny-namespaces: PR_SET_NO_NEW_PRIVS: %s\n", std::strerror(errno));
        return false;
    }
    if (::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0) {
        std::fprintf(stderr, "deny-namespaces: cannot install the seccomp filter: %s\n", std::strerror(errno));
        return false;
    }
    return true;
}

/// Each way of making a namespace is refused, and ordinary processes and threads still start.
int check() {
    int failures = 0;
    auto expect = [&failures](const char *what, long rc, int wanted) {
        if (rc != -1 || errno != wanted) {
            std::fprintf(stderr, "deny-namespaces --check: %s was not refused with %s (rc %ld, %s)\n", what,
                         std::strerror(wanted), rc, std::strerror(errno));
            ++failures;
        }
    };
    expect("unshare(CLONE_NEWUSER)", ::unshare(CLONE_NEWUSER), EPERM);
    expect("unshare(CLONE_NEWNS)", ::unshare(CLONE_NEWNS), EPERM);
    expect("unshare(CLONE_NEWUSER | CLONE_NEWNS)", ::unshare(CLONE_NEWUSER | CLONE_NEWNS), EPERM);
    expect("setns(-1, 0)", ::syscall(SYS_setns, -1, 0), EPERM);
    expect("clone3", ::syscall(SYS_clone3, nullptr, 0), ENOSYS);
    // A raw clone() with CLONE_NEWUSER and no stack behaves like fork() if it were allowed: the child leaves at once.
    const long child = ::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (child == 0)
        ::_exit(0);
    if (child > 0)
        ::waitpid(pid_t(child), nullptr, 0);
    expect("clone(CLONE_NEWUSER)", child, EPERM);
    // A new process still starts (fork goes through clone without namespace flags).
    const pid_t plain = ::fork();
    if (plain == 0)
        ::_exit(7);
    int status = 0;
    if (plain < 0 || ::waitpid(plain, &status, 0) != plain || !WIFEXITED(status) || WEXITSTATUS(status) != 7) {
        std::fprintf(stderr, "deny-namespaces --check: fork() no longer works under the filter\n");
        ++failures;
    }
    if (failures == 0)
        std::printf("deny-namespaces: unshare, setns and clone with namespace flags are refused; fork works\n");
    return failures == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: deny-namespaces COMMAND [ARGS...] | deny-namespaces --check\n");
        return 2;
    }
    if (!install())
        return 1;
    if (std::strcmp(argv[1], "--check") == 0)
        return check();
    ::execvp(argv[1], argv + 1);
    std::fprintf(stderr, "deny-namespaces: cannot run %s: %s\n", argv[1], std::strerror(errno));
    return 127;
}
