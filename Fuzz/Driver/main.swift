import CFuzzDriver
import Foundation
import HeraldFuzzing

// herald-fuzz TARGET [libFuzzer flags] [CORPUS...]
//
// Built by tools/fuzz with libFuzzer, it fuzzes TARGET. An ordinary build runs each given file, or
// each file of each given folder, through TARGET once: the seed corpus as a regression check.

nonisolated(unsafe) var selected: FuzzTarget?

func usage() -> Never {
    var text = "usage: herald-fuzz TARGET [libFuzzer flags] [CORPUS...]\ntargets:\n"
    for target in FuzzTarget.all { text += "  \(target.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(target.summary)\n" }
    FileHandle.standardError.write(Data(text.utf8))
    exit(64)
}

let arguments = CommandLine.arguments
if arguments.count >= 2, arguments[1] == "--list" {
    for target in FuzzTarget.all { print(target.name) }
    exit(0)
}
guard arguments.count >= 2, let target = FuzzTarget.named(arguments[1]) else { usage() }
selected = target

let callback: herald_fuzz_callback = { data, size in
    let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    do {
        try selected!.run(input)
    } catch {
        // An abort is what libFuzzer records as a crash, with the input that caused it.
        FileHandle.standardError.write(Data("invariant broken: \(error)\n".utf8))
        abort()
    }
    return 0
}

if herald_fuzz_has_libfuzzer() != 0 {
    // libFuzzer reads argv[0] and its own flags: the target's name is taken out.
    var argv: [UnsafeMutablePointer<CChar>?] = ([arguments[0]] + arguments.dropFirst(2)).map { strdup($0) } + [nil]
    var argc = Int32(argv.count - 1)
    let status = argv.withUnsafeMutableBufferPointer { buffer in
        var pointer = buffer.baseAddress
        return herald_fuzz_run(&argc, &pointer, callback)
    }
    exit(status)
}

var inputs: [URL] = []
for path in arguments.dropFirst(2) {
    let url = URL(fileURLWithPath: path)
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
        FileHandle.standardError.write(Data("herald-fuzz: no such file or folder: \(path)\n".utf8))
        exit(66)
    }
    if isFolder.boolValue {
        let files = try FileManager.default.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)
        inputs += files.sorted { $0.path < $1.path }
    } else {
        inputs.append(url)
    }
}
for input in inputs {
    let bytes = [UInt8](try Data(contentsOf: input))
    do {
        try target.run(bytes)
    } catch {
        FileHandle.standardError.write(Data("herald-fuzz: \(input.path): \(error)\n".utf8))
        exit(1)
    }
}
print("herald-fuzz: \(target.name): \(inputs.count) inputs replayed (built without libFuzzer)")
