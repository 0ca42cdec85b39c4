import ArgumentParser
import Foundation

/// ProofChecks — the executable proofs of thesis chapters 3, 4 and 5 (see Proofs/README.md). Prints one
/// line per check and ends with `N passed, N failed`; exits 1 when a check fails, 2 when the
/// filters match no check, 64 on a malformed command line.
struct ProofChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ProofChecks", abstract: "The executable proofs of chapters 3, 4 and 5.",
        discussion: "ProofChecks prop1 lemma9 runs the checks whose names contain \"prop1\" or \"lemma9\".")

    @Flag(help: "List the check names and statements.")
    var list = false

    @Argument(help: "Run only the checks whose names contain one of these.")
    var filters: [String] = []

    func run() throws {
        let allChecks = CheckRegistry.checks(.standard)
        if list {
            for check in allChecks { print("\(check.name): \(check.statement)") }
            return
        }
        let chosen: [ProofCheck]
        do {
            chosen = try CheckRunner.select(allChecks, filters: filters)
        } catch {
            FileHandle.standardError.write(Data("ProofChecks: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if CheckRunner.run(chosen) != 0 { throw ExitCode(1) }
    }
}

ProofChecksCommand.main()
