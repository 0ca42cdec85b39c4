import ExperimentRuns
import Foundation
import MixtureExperiments
import Testing

/// The Slurm executor against a real single-node Slurm (Debian's slurm-wlm and munge; make
/// setup installs them): the test starts munged, slurmctld and slurmd on this machine with
/// a configuration of its own, runs chapter 4's smoke 2D sweep as a job array, cancels one
/// task with `scancel`, and checks that the driver reports that run, that a second call
/// resubmits only it, and that the table equals the local driver's.
@Suite(.enabled(if: SlurmTestCluster.canStart, SlurmTestCluster.requirement), .serialized)
struct SlurmClusterTests {
    @Test func smokeSweepAsAJobArray() throws {
        let cluster = try SlurmTestCluster.start()
        defer { cluster.stop() }
        let folder = cluster.folder
        let settings = folder + "/resources.json"
        try #"{"time": "00:10:00", "cpus_per_task": 1, "mem": "500M", "max_parallel": 2, "poll_seconds": 1}"#
            .write(toFile: settings, atomically: true, encoding: .utf8)
        let arguments = ["--scale", "smoke", "--part", "2d", "--seeds", "0"]
        let slurm = arguments + ["--output", folder + "/slurm-run", "--executor", "slurm", "--slurm-config", settings]

        // First call: cancel the array's last task while it is pending.
        let driver = try cluster.launch(SlurmTestCluster.sibling("Chapter4"), slurm)
        let last = try cluster.waitForPendingTask()
        _ = try cluster.command("scancel", [last])
        driver.process.waitUntilExit()
        let first = driver.finish()
        #expect(driver.process.terminationStatus == 1, "\(first)")
        #expect(first.contains("1 run(s) failed") && first.contains("ended without a result"), "\(first)")

        // Second call: only the cancelled run is submitted again; the tables are written.
        let again = try cluster.launch(SlurmTestCluster.sibling("Chapter4"), slurm)
        again.process.waitUntilExit()
        let second = again.finish()
        #expect(again.process.terminationStatus == 0, "\(second)")
        #expect(second.contains("33 already done, 1 to train as a Slurm job array"), "\(second)")

        let local = try cluster.launch(SlurmTestCluster.sibling("Chapter4"), arguments + ["--output", folder + "/local-run", "--jobs", "2"])
        local.process.waitUntilExit()
        #expect(local.process.terminationStatus == 0, "\(local.finish())")
        // Everything but the seconds column.
        func table(_ run: String) throws -> [String] {
            try String(contentsOfFile: folder + "/\(run)/mode_coverage.csv", encoding: .utf8).split(separator: "\n")
                .map { $0.split(separator: ",", omittingEmptySubsequences: false).dropLast().joined(separator: ",") }
        }
        let expected = try table("local-run")
        #expect(expected.count == 35)
        #expect(try table("slurm-run") == expected)
    }
}

extension SlurmClusterTests {
    /// A family asking for 2 ranks per run: each array task starts its run with
    /// `srun --mpi=pmix --ntasks=2`, and the run is the one a single local process trains.
    @Test func dataParallelArrayTasks() throws {
        let cluster = try SlurmTestCluster.start()
        defer { cluster.stop() }
        var settings = SlurmSettings()
        settings.pollSeconds = 0.5
        settings.resources.time = "00:10:00"
        settings.resources.cpusPerTask = 1
        settings.resources.mem = "500M"
        var twoRanks = SlurmResources()
        twoRanks.ntasks = 2
        settings.families["train2d"] = twoRanks
        let configs = try [UInt64(3), 4].map { seed -> MixtureRunConfig in
            var config = try MixtureRunConfig.decode(Data(#"{"method": "bgan", "batch_size": 64, "width": 32, "depth": 2}"#.utf8),
                                                     over: MixtureRunConfig(), source: "test")
            config.seed = seed
            config.iterations = 30
            config.checkpointEvery = 10
            return config
        }
        let worker = URL(fileURLWithPath: SlurmTestCluster.sibling("mixedbatch"))
        // The grid's Slurm commands read SLURM_CONF from this process's environment.
        setenv("SLURM_CONF", cluster.folder + "/slurm.conf", 1)
        defer { unsetenv("SLURM_CONF") }
        let slurm = try RunGrid<MixtureRun>(label: "two ranks", runsFolder: cluster.folder + "/slurm-runs", worker: worker,
                                            executor: .slurm(settings)).run(configs)
        let local = try RunGrid<MixtureRun>(label: "local", runsFolder: cluster.folder + "/local-runs", worker: worker,
                                            executor: .local(jobs: 1)).run(configs)
        #expect(slurm.failures.isEmpty && local.failures.isEmpty, "\(slurm.failures) \(local.failures)")
        #expect(slurm.results.count == 2)
        let script = try FileManager.default.contentsOfDirectory(atPath: cluster.folder + "/slurm-runs/slurm")
            .first { $0.hasSuffix(".sbatch") }.map { try String(contentsOfFile: cluster.folder + "/slurm-runs/slurm/" + $0, encoding: .utf8) }
        #expect(script?.contains("srun --mpi=pmix --ntasks=2") == true)
        for config in configs {
            let manifest = try String(contentsOfFile: cluster.folder + "/slurm-runs/\(config.runName)/manifest.json", encoding: .utf8)
            #expect(manifest.contains("\"processes\" : 2"), "\(manifest.prefix(400))")
            MPIJobTests.expectClose(try MPIJobTests.parameters(inCheckpointOf: cluster.folder + "/local-runs/\(config.runName)"),
                                    try MPIJobTests.parameters(inCheckpointOf: cluster.folder + "/slurm-runs/\(config.runName)"),
                                    "2 ranks in a Slurm task vs 1 local process, seed \(config.seed)")
        }
    }
}

/// A one-node Slurm cluster in a temporary folder: its own munge key and socket, its own
/// ports, state and logs; `stop()` ends the daemons.
final class SlurmTestCluster {
    static let daemons = ["/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/bin/sbatch", "/usr/sbin/mungekey"]
    static let requirement: Comment = "needs root and Debian's slurm-wlm and munge (make setup installs them), and the built Chapter4"

    static var canStart: Bool {
        getuid() == 0 && daemons.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
            && ["Chapter4", "mixedbatch"].allSatisfy { FileManager.default.isExecutableFile(atPath: sibling($0)) }
    }

    /// An executable built beside the test bundle.
    static func sibling(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
    }

    let folder: String
    var environment: [String: String]

    private init(folder: String) {
        self.folder = folder
        environment = ProcessInfo.processInfo.environment
        environment["SLURM_CONF"] = folder + "/slurm.conf"
    }

    static func start() throws -> SlurmTestCluster {
        let folder = NSTemporaryDirectory() + "slurm-test-\(UUID().uuidString.prefix(8))"
        let cluster = SlurmTestCluster(folder: folder)
        for sub in ["state", "spool", "munge"] {
            try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
        }
        let munge = folder + "/munge"
        try cluster.command("/usr/sbin/mungekey", ["--create", "--keyfile", munge + "/munge.key", "--force"])
        try cluster.startDaemon("/usr/sbin/munged", ["--key-file", munge + "/munge.key", "--socket", munge + "/munge.socket",
                                                     "--pid-file", munge + "/munged.pid", "--log-file", munge + "/munged.log",
                                                     "--seed-file", munge + "/seed", "--force"])
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "localhost"
        let port = Int.random(in: 20_000..<40_000)
        let configuration = """
        ClusterName=mixedbatchtest
        SlurmctldHost=\(host)
        SlurmUser=root
        SlurmdUser=root
        SlurmctldPort=\(port)
        SlurmdPort=\(port + 1)
        AuthType=auth/munge
        AuthInfo=socket=\(munge)/munge.socket
        CredType=cred/munge
        StateSaveLocation=\(folder)/state
        SlurmdSpoolDir=\(folder)/spool
        SlurmctldPidFile=\(folder)/slurmctld.pid
        SlurmdPidFile=\(folder)/slurmd.pid
        SlurmctldLogFile=\(folder)/slurmctld.log
        SlurmdLogFile=\(folder)/slurmd.log
        ProctrackType=proctrack/pgid
        TaskPlugin=task/none
        SelectType=select/cons_tres
        SelectTypeParameters=CR_Core_Memory
        SchedulerType=sched/builtin
        AccountingStorageType=accounting_storage/none
        JobAcctGatherType=jobacct_gather/none
        MpiDefault=none
        ReturnToService=2
        NodeName=\(host) CPUs=\(ProcessInfo.processInfo.activeProcessorCount) RealMemory=2000 State=UNKNOWN
        PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
        """
        try configuration.write(toFile: folder + "/slurm.conf", atomically: true, encoding: .utf8)
        try cluster.startDaemon("/usr/sbin/slurmctld", [])
        try cluster.startDaemon("/usr/sbin/slurmd", [])
        for _ in 0..<60 {
            if let state = try? cluster.command("sinfo", ["--noheader", "--format=%T"]), state.contains("idle") { return cluster }
            Thread.sleep(forTimeInterval: 0.5)
        }
        cluster.stop()
        throw SlurmTestError("the test cluster's node did not become idle; see \(folder)/slurmctld.log and slurmd.log")
    }

    /// Ends the daemons (SIGTERM, then SIGKILL after 5 s) and removes the folder.
    func stop() {
        let pids = ["slurmd.pid", "slurmctld.pid", "munge/munged.pid"].compactMap { file in
            (try? String(contentsOfFile: folder + "/" + file, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        for pid in pids { kill(pid, SIGTERM) }
        for _ in 0..<50 where pids.contains(where: { kill($0, 0) == 0 }) { Thread.sleep(forTimeInterval: 0.1) }
        for pid in pids where kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The id `<job>_<task>` of a pending task of the first array in the queue (waits for one).
    func waitForPendingTask() throws -> String {
        for _ in 0..<120 {
            let lines = try command("squeue", ["--noheader", "--array", "--states=PENDING", "--format=%i"])
                .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.contains("_") }
            if let last = lines.max(by: { Int($0.split(separator: "_")[1]) ?? 0 < Int($1.split(separator: "_")[1]) ?? 0 }) {
                return last
            }
            Thread.sleep(forTimeInterval: 0.25)
        }
        throw SlurmTestError("no pending array task appeared")
    }

    /// Runs a command to its end in the cluster's environment; its standard output.
    @discardableResult
    func command(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SlurmTestError("\(executable) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Starts a daemon (which forks and returns) with posix_spawn and waits for its first
    /// process: Foundation's `Process` never saw that process end here, and a pipe would stay
    /// open in the daemon. The daemon gets no descriptor of the test process beyond the standard
    /// three: tests running beside this one have files open, and a daemon holding a copy of one
    /// would hold its HDF5 lock for the rest of the run (a checkpoint that cannot be reopened).
    func startDaemon(_ executable: String, _ arguments: [String]) throws {
        var actions: posix_spawn_file_actions_t = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [1, 2] { posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0) }
        // glibc ≥ 2.34 has closefrom for spawn actions; Swift's Glibc module does not show it.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            throw SlurmTestError("this C library lacks posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or later has it)")
        }
        _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        // The test runner's threads block signals; the daemons must answer SIGTERM.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), terminating = sigset_t()
        sigemptyset(&none)
        sigemptyset(&terminating)
        for signal in [SIGTERM, SIGINT, SIGHUP] { sigaddset(&terminating, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &terminating)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw SlurmTestError("cannot start \(executable): error \(spawned)") }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else { throw SlurmTestError("\(executable) exited with wait status \(status); see the logs in \(folder)") }
    }

    /// A process started in the cluster's environment, its output and errors collected in a file.
    struct Launched {
        let process: Process
        let log: String

        func finish() -> String { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
    }

    func launch(_ executable: String, _ arguments: [String]) throws -> Launched {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let log = folder + "/driver-\(UUID().uuidString.prefix(6)).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return Launched(process: process, log: log)
    }
}

struct SlurmTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
