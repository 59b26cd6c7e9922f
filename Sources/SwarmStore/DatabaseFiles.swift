import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The database holds every message, customer and token hash, so only the server's user may
/// read it: a directory we create is 0700, the database file 0600. SQLite creates its `-wal`
/// and `-shm` files with the mode of the database file, so they follow; files left 0644 by an
/// earlier version are tightened at open.
enum DatabaseFiles {
    static let fileMode: mode_t = 0o600
    static let directoryMode: mode_t = 0o700

    static func prepare(path: String) throws {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        // Only a directory we create: an existing one (say /var/lib) may be shared on purpose.
        if !FileManager.default.fileExists(atPath: directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: Int(directoryMode)])
        }
        // Created here, empty, with the right mode, before SQLite creates it with 0644.
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, fileMode)
        if fd >= 0 { close(fd) }
        for file in [path, path + "-wal", path + "-shm", path + "-journal"] where FileManager.default.fileExists(atPath: file) {
            _ = chmod(file, fileMode)
        }
    }
}
