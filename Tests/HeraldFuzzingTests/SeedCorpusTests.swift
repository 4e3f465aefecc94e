import Foundation
import Testing

@testable import HeraldFuzzing

/// The seed corpus, the inputs that once crashed heraldd among them, replayed through each target
/// in the ordinary build: what fuzzing found stays found.
@Suite struct SeedCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/Corpus").standardized

    @Test(arguments: FuzzTarget.all.map(\.name))
    func everySeedPasses(target name: String) throws {
        let target = try #require(FuzzTarget.named(name))
        let folder = Self.corpus.appendingPathComponent(name)
        let seeds = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        #expect(seeds.count >= 3, "\(name) has too few seeds")
        for seed in seeds {
            let bytes = [UInt8](try Data(contentsOf: seed))
            #expect(throws: Never.self, "\(seed.lastPathComponent)") { try target.run(bytes) }
        }
    }

    @Test func aBrokenInvariantIsReported() {
        // The check the targets rely on fails when it should.
        #expect(throws: InvariantViolation.self) { try require(false, "always") }
    }
}
