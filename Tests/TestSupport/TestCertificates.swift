import Foundation
import NIOSSL

/// A certificate authority of the test's own and a server certificate it signed for "localhost",
/// named by DNS only: an IP address in the certificate would hide a hostname-checking bug.
public struct TestCertificates: Sendable {
    public let caPath: String
    public let certificatePath: String
    public let keyPath: String

    public static func make(in directory: String) throws -> TestCertificates {
        let dir = directory
        func openssl(_ arguments: [String]) throws {
            // env -C runs it in the directory, which posix_spawn can't choose.
            let status = try ChildProcess("/usr/bin/env", ["-C", dir, "openssl"] + arguments).waitForExit()
            guard status == 0 else { throw CertificateError(command: arguments.joined(separator: " ")) }
        }
        try "subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"
            .write(toFile: "\(dir)/leaf.ext", atomically: true, encoding: .utf8)
        try openssl([
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Herald Test CA",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
        try openssl([
            "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=localhost",
        ])
        try openssl([
            "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext",
        ])
        return TestCertificates(caPath: "\(dir)/ca.pem", certificatePath: "\(dir)/leaf.pem", keyPath: "\(dir)/leaf.key")
    }
}

struct CertificateError: Error, CustomStringConvertible {
    let command: String
    var description: String { "openssl \(command) failed" }
}

extension TestCertificates {
    /// A TLS server context with the server certificate, for the test's receivers.
    public func serverContext() throws -> NIOSSLContext {
        try NIOSSLContext(
            configuration: .makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(certificatePath).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem))))
    }
}
