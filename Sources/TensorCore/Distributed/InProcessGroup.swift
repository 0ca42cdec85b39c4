import Foundation

/// A process group whose members are threads of one process: `InProcessGroup.members(size)`
/// returns one member per rank, each to be used by its own thread. The collectives are
/// those of an MPI group (sums in rank order, so every member gets the same bits), which
/// lets tests check in one process that a sharded computation equals the unsharded one.
public final class InProcessGroup: ProcessGroup, @unchecked Sendable {
    public let rank: Int
    public var size: Int { shared.size }
    private let shared: Exchange

    private init(rank: Int, shared: Exchange) {
        self.rank = rank
        self.shared = shared
    }

    /// The `size` members of a new group, by rank.
    public static func members(_ size: Int) -> [InProcessGroup] {
        precondition(size >= 1, "a group needs at least one member")
        let exchange = Exchange(size: size)
        return (0..<size).map { InProcessGroup(rank: $0, shared: exchange) }
    }

    /// Runs `body(member)` on one thread per member and returns the results by rank; the
    /// first error any member throws is rethrown. A member that throws before a collective the
    /// others enter leaves them waiting (as an MPI rank would): use it where every member
    /// meets the same errors, as the tests do.
    public static func run<R>(size: Int, _ body: @escaping @Sendable (InProcessGroup) throws -> R) throws -> [R] {
        let members = members(size)
        let results = ResultSlots<R>(size)
        let threads = members.map { member in
            Thread {
                do { results.set(member.rank, .success(try body(member))) } catch { results.set(member.rank, .failure(error)) }
                results.done.signal()
            }
        }
        for thread in threads {
            thread.stackSize = 16 << 20
            thread.start()
        }
        for _ in threads { results.done.wait() }
        return try results.values()
    }

    public func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        shared.post(rank, Array(buffer))
        let posted = shared.collect()
        for i in buffer.indices {
            var total: Float = 0
            for member in posted { total += member[i] }
            buffer[i] = total
        }
        shared.release()
    }

    public func allGather(_ local: UnsafeBufferPointer<Float>, into gathered: UnsafeMutableBufferPointer<Float>) throws {
        precondition(gathered.count == local.count * size, "allGather: the output must hold size × the local count")
        shared.post(rank, Array(local))
        let posted = shared.collect()
        for (r, values) in posted.enumerated() {
            for (i, value) in values.enumerated() { gathered[r * local.count + i] = value }
        }
        shared.release()
    }

    public func barrier() throws {
        shared.post(rank, [])
        _ = shared.collect()
        shared.release()
    }

    /// The slots the members post into, and the two barriers of every collective.
    private final class Exchange: @unchecked Sendable {
        let size: Int
        private var slots: [[Float]]
        private let condition = NSCondition()
        private var arrived = 0
        private var generation = 0

        init(size: Int) {
            self.size = size
            slots = Array(repeating: [], count: size)
        }

        func post(_ rank: Int, _ values: [Float]) {
            condition.lock()
            slots[rank] = values
            condition.unlock()
        }

        /// Waits until every member has posted, then returns the slots.
        func collect() -> [[Float]] {
            wait()
            condition.lock()
            defer { condition.unlock() }
            return slots
        }

        /// Waits until every member has read the slots (they may then be posted into again).
        func release() { wait() }

        private func wait() {
            condition.lock()
            defer { condition.unlock() }
            let mine = generation
            arrived += 1
            if arrived == size {
                arrived = 0
                generation += 1
                condition.broadcast()
            } else {
                while generation == mine { condition.wait() }
            }
        }
    }

    private final class ResultSlots<R>: @unchecked Sendable {
        private var slots: [Result<R, Error>?]
        private let lock = NSLock()
        let done = DispatchSemaphore(value: 0)

        init(_ size: Int) { slots = Array(repeating: nil, count: size) }

        func set(_ rank: Int, _ result: Result<R, Error>) {
            lock.lock()
            slots[rank] = result
            lock.unlock()
        }

        func values() throws -> [R] {
            lock.lock()
            defer { lock.unlock() }
            return try slots.map { try $0!.get() }
        }
    }
}
