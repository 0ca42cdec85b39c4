/// Invalid input to a proof check; the message names the problem and the fix.
struct ProofCheckError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
