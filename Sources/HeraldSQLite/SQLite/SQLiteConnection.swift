import CSQLite
import HeraldStore

/// An error reported by SQLite.
package struct SQLiteError: Error, CustomStringConvertible, Sendable {
    package let code: Int32
    package let message: String
    package var description: String { "SQLite error \(code): \(message)" }

    /// True for a UNIQUE or PRIMARY KEY violation.
    package var isConstraintViolation: Bool { code & 0xFF == SQLITE_CONSTRAINT }

    /// What a caller is told of a failure of the database itself, rather than of one command: the
    /// disk full, the file unreadable or damaged. Nil for the rest, which stay as they are.
    package func storeError(path: String) -> StoreError? {
        switch code & 0xFF {
        case SQLITE_FULL:
            return StoreError(.storageFull, "the disk holding \(path) is full: nothing of this command was written; retry once there is space")
        case SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM:
            return StoreError(.unavailable, "the database \(path) cannot be written (\(message)): nothing of this command was written")
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return StoreError(.unavailable, "the database \(path) is damaged or not a Herald database (\(message))")
        default:
            return nil
        }
    }

    /// `error` as callers should see it: a failure of the database as its `StoreError`, anything
    /// else as it is.
    package static func translated(_ error: any Error, path: String) -> any Error {
        (error as? SQLiteError)?.storeError(path: path) ?? error
    }
}

/// One SQLite connection with a cache of prepared statements. Not thread-safe: one thread at a time.
package final class SQLiteConnection: @unchecked Sendable {
    let handle: OpaquePointer
    private var statements: [String: Statement] = [:]
    /// The same statements by where their text lives. Nearly every SQL text is a literal or a
    /// `static let`, whose bytes never move, so this finds a statement without hashing its text
    /// (which showed in profiles of a rebuild); a hit is still compared, which for the same string
    /// is a check of its identity.
    private var statementsByAddress: [UnsafeRawPointer: (sql: String, statement: Statement)] = [:]

    package init(path: String, readOnly: Bool = false) throws {
        var handle: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX
        let status = sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLiteError(code: status, message: "cannot open \(path): \(message)")
        }
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, 5_000)
    }

    deinit {
        for statement in statements.values { statement.finalize() }
        sqlite3_close_v2(handle)
    }

    /// Whether the file this connection has open was unlinked or renamed, or another file put at
    /// its path, since it was opened: what it writes then goes where no later open finds it.
    package var fileHasMoved: Bool {
        var moved: Int32 = 0
        return sqlite3_file_control(handle, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved != 0
    }

    /// Runs one or more statements that return no rows.
    package func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &error)
        if status != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(error)
            throw SQLiteError(code: status, message: message)
        }
    }

    /// A prepared statement, ready to bind. Statements are cached by their text; callers reset
    /// them when done, since a statement left mid-way pins an old read snapshot.
    func prepare(_ sql: String) throws -> Statement {
        let address = sql.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil
        if let address, let cached = statementsByAddress[address], cached.sql == sql { return cached.statement }
        let statement = try statements[sql] ?? compile(sql)
        if let address {
            // Built SQL (a filtered listing) lives somewhere new each time: keep the map small.
            if statementsByAddress.count >= 256 { statementsByAddress.removeAll(keepingCapacity: true) }
            statementsByAddress[address] = (sql, statement)
        }
        return statement
    }

    private func compile(_ sql: String) throws -> Statement {
        var pointer: OpaquePointer?
        let status = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard status == SQLITE_OK, let pointer else { throw SQLiteError(code: status, message: lastErrorMessage) }
        let statement = Statement(pointer, connection: self)
        statements[sql] = statement
        return statement
    }

    /// Runs a statement that returns no rows.
    package func run(_ sql: String, _ values: SQLiteValue...) throws {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {}
    }

    /// Every row, read by `row`. The statement is reset afterwards, so it holds no read snapshot.
    package func rows<T>(_ sql: String, _ values: [SQLiteValue] = [], _ row: (Statement) throws -> T) throws -> [T] {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        var result: [T] = []
        while try statement.step() { result.append(try row(statement)) }
        return result
    }

    /// The first row, if any, read by `row`.
    package func firstRow<T>(_ sql: String, _ values: [SQLiteValue] = [], _ row: (Statement) throws -> T) throws -> T? {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        return try statement.step() ? row(statement) : nil
    }

    /// The first column of the first row, as an integer.
    package func scalar(_ sql: String, _ values: SQLiteValue...) throws -> Int64? {
        try firstRow(sql, values) { $0.isNull(0) ? nil : $0.int64(0) } ?? nil
    }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

/// A value to bind to a statement parameter.
package enum SQLiteValue {
    case integer(Int64)
    case text(String)
    case blob([UInt8])
    case null
}

package final class Statement {
    private let pointer: OpaquePointer
    private unowned let connection: SQLiteConnection

    init(_ pointer: OpaquePointer, connection: SQLiteConnection) {
        self.pointer = pointer
        self.connection = connection
    }

    func finalize() { sqlite3_finalize(pointer) }

    /// Every use binds every parameter again, so the old bindings needn't be cleared.
    func reset() {
        sqlite3_reset(pointer)
    }

    package func bind(_ values: [SQLiteValue]) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let number):
                status = sqlite3_bind_int64(pointer, index, number)
            case .text(var text):
                // Straight from the string's own UTF-8, with no C-string copy.
                // (A null pointer would bind NULL, not an empty text.)
                status = text.withUTF8 { utf8 in
                    utf8.baseAddress.map { sqlite3_bind_text(pointer, index, $0, Int32(utf8.count), sqliteTransient) }
                        ?? sqlite3_bind_text(pointer, index, "", 0, sqliteTransient)
                }
            case .blob(let bytes):
                status = bytes.withUnsafeBytes {
                    sqlite3_bind_blob(pointer, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count), sqliteTransient)
                }
            case .null:
                status = sqlite3_bind_null(pointer, index)
            }
            guard status == SQLITE_OK else { throw SQLiteError(code: status, message: connection.lastErrorMessage) }
        }
    }

    /// Advances to the next row; false when done.
    package func step() throws -> Bool {
        switch sqlite3_step(pointer) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let status: throw SQLiteError(code: status, message: connection.lastErrorMessage)
        }
    }

    package func isNull(_ column: Int32) -> Bool { sqlite3_column_type(pointer, column) == SQLITE_NULL }
    package func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(pointer, column) }

    package func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(pointer, column) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(pointer, column))), as: UTF8.self)
    }

    package func blob(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(pointer, column))
        guard count > 0, let bytes = sqlite3_column_blob(pointer, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}

private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
