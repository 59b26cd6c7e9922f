#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// The open-file limit. Every socket is a file descriptor, and the usual soft limit of 1,024 is
/// reached by a few hundred clients plus the database's files; past it `accept` fails, the
/// server spins on it and health checks time out. The hard limit is what an administrator
/// allows, so `swarmd serve` raises the soft limit to it at start-up.
public enum FileLimit {
    /// Raises the soft limit to the hard one (at most 1,048,576, the kernel's usual ceiling for
    /// one process) and logs the change; returns the soft limit in force afterwards.
    @discardableResult
    public static func raiseToHard(logger: Logger) -> UInt64 {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else {
            logger.warning("could not read the open-file limit", metadata: ["errno": "\(errno)"])
            return 0
        }
        let before = UInt64(limit.rlim_cur)
        let target = min(UInt64(limit.rlim_max), 1 << 20)
        guard target > before else {
            logger.info("open-file limit", metadata: ["soft": "\(before)", "hard": "\(limit.rlim_max)"])
            return before
        }
        limit.rlim_cur = rlim_t(target)
        guard setrlimit(resource, &limit) == 0 else {
            logger.warning("could not raise the open-file limit", metadata: ["soft": "\(before)", "wanted": "\(target)", "errno": "\(errno)"])
            return before
        }
        logger.notice("raised the open-file limit", metadata: ["from": "\(before)", "to": "\(target)"])
        return target
    }

    #if os(Linux)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resource = RLIMIT_NOFILE
    #endif
}
