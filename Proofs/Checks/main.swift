import Foundation

// ProofChecks — the executable proofs of thesis chapter 4 (see Proofs/README.md).
//
//   ProofChecks                run every check
//   ProofChecks prop1 lemma9   run the checks whose names contain "prop1" or "lemma9"
//   ProofChecks --list         list the check names and statements
//
// Prints one line per check and ends with `N passed, N failed`; exits 1 when a check fails,
// 2 on a usage error.

let arguments = Array(CommandLine.arguments.dropFirst())
let allChecks = CheckRegistry.checks(.standard)

if arguments.contains("--help") || arguments.contains("-h") {
    print("usage: ProofChecks [--list] [name-filter ...]")
    exit(0)
}
if arguments.contains("--list") {
    for check in allChecks { print("\(check.name): \(check.statement)") }
    exit(0)
}
do {
    let chosen = try CheckRunner.select(allChecks, filters: arguments.filter { !$0.hasPrefix("-") })
    exit(CheckRunner.run(chosen) == 0 ? 0 : 1)
} catch {
    FileHandle.standardError.write(Data("ProofChecks: \(error)\n".utf8))
    exit(2)
}
