/// Where the daemon listens and keeps its log when no flag or variable says otherwise.
///
/// A system service (uid 0) uses `/run/herald/herald.sock` and `/var/lib/herald/herald.db`.
/// Anyone else uses `$XDG_RUNTIME_DIR/herald/herald.sock` (or `/tmp/herald-$UID/herald.sock`)
/// and `$XDG_DATA_HOME/herald/herald.db` (or `~/.local/share/herald/herald.db`).
public enum DefaultPaths {
    public static func socket(uid: UInt32, environment: [String: String]) -> String {
        if let explicit = environment["HERALD_SOCKET"], !explicit.isEmpty { return explicit }
        if uid == 0 { return "/run/herald/herald.sock" }
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            return "\(runtime)/herald/herald.sock"
        }
        return "/tmp/herald-\(uid)/herald.sock"
    }

    public static func database(uid: UInt32, environment: [String: String]) -> String {
        if let explicit = environment["HERALD_DB"], !explicit.isEmpty { return explicit }
        if uid == 0 { return "/var/lib/herald/herald.db" }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return "\(data)/herald/herald.db" }
        let home = environment["HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp/herald-\(uid)"
        return "\(home)/.local/share/herald/herald.db"
    }
}
