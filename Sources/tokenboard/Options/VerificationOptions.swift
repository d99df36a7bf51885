import ArgumentParser
import TokenBoardClient
import TokenBoardWorkload

/// How much of a manifest to check and how many differences to print.
struct VerificationOptions: ParsableArguments {
    @Option(name: .long, help: "Employees outside the top 250 whose totals and rank are checked too.")
    var sample: Int = 100

    @Option(name: .customLong("show"), help: "Differences to list (all are counted).")
    var shown: Int = 20

    func validate() throws {
        guard (0...1_000_000).contains(sample) else { throw ValidationError("--sample must be 0 to 1000000") }
        guard shown >= 0 else { throw ValidationError("--show must not be negative") }
    }

    /// Reads a manifest, failing with a readable message.
    func loadManifest(_ path: String) throws -> Manifest {
        do {
            return try Manifest.load(path: path)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// Checks the cluster against `manifest` (read from `path`).
    func verify(_ manifest: Manifest, path: String, cluster: ClusterOptions) async throws -> VerificationReport {
        let client = try await cluster.connect()
        do {
            let verification = try await ManifestVerifier(manifest: manifest, sample: sample).verify(using: client)
            await client.close()
            return VerificationReport(verification, manifest: path, shown: shown)
        } catch {
            await client.close()
            throw error
        }
    }
}
