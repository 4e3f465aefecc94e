import Testing

@testable import HeraldCore

@Suite struct DefaultPathsTests {
    @Test func systemServiceUsesRunAndVarLib() {
        #expect(DefaultPaths.socket(uid: 0, environment: [:]) == "/run/herald/herald.sock")
        #expect(DefaultPaths.database(uid: 0, environment: [:]) == "/var/lib/herald/herald.db")
    }

    @Test func userUsesXDGDirectories() {
        let environment = ["XDG_RUNTIME_DIR": "/run/user/1000", "HOME": "/home/ann"]
        #expect(DefaultPaths.socket(uid: 1000, environment: environment) == "/run/user/1000/herald/herald.sock")
        #expect(DefaultPaths.database(uid: 1000, environment: environment) == "/home/ann/.local/share/herald/herald.db")
        #expect(DefaultPaths.socket(uid: 1000, environment: [:]) == "/tmp/herald-1000/herald.sock")
    }

    @Test func environmentWins() {
        let environment = ["HERALD_SOCKET": "/x.sock", "HERALD_DB": "/y.db"]
        #expect(DefaultPaths.socket(uid: 0, environment: environment) == "/x.sock")
        #expect(DefaultPaths.database(uid: 5, environment: environment) == "/y.db")
    }
}

@Suite struct IntegrationIDTests {
    @Test func idsSortByCreationTime() {
        var generator = SystemRandomNumberGenerator()
        let earlier = IntegrationID.random(using: &generator, now: 1_700_000_000_000)
        let later = IntegrationID.random(using: &generator, now: 1_700_000_000_001)
        #expect(earlier.rawValue < later.rawValue)
        #expect(earlier.rawValue.count == 26 && earlier.rawValue.hasPrefix("int_"))
        #expect(IntegrationID.random(now: 5) != IntegrationID.random(now: 5))
    }
}
