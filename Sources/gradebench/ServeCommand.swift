import ArgumentParser
import GradeBenchCore
import GradeBenchServer
import GradeBenchStore
import Hummingbird
import Logging

struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free port).") var port = 8080
    @Option(help: "Folder holding suppression.yaml, consent.yaml and retention.yaml.") var policies = "policies"
    @Option(
        help: "Server secrets file (re-keying and data keys; created with mode 0600 if missing). Keep it out of the database's backups.")
    var secrets = "gradebench.secrets"
    @Option(help: "Largest submission accepted, in MiB.") var maxSubmissionMib = 64

    var configuration: ServerConfiguration {
        ServerConfiguration(host: host, port: port, maxSubmissionBytes: maxSubmissionMib << 20)
    }
}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the GradeBench HTTP server (migrates the database first; stops cleanly on SIGTERM/SIGINT)."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var server: ServerOptions

    func run() async throws {
        FreedMemory.keepForReuse()
        try await reportingErrors {
            let logger = Console.logger()
            let policies = try PolicyFiles.load(directory: server.policies)
            let keys = try SecretsFile.loadOrCreate(path: server.secrets)
            let location = try database.location()
            let store = try await Store.open(location, logger: logger)
            let app = GradeBenchApp.build(
                store: store, policies: policies, keys: keys, configuration: server.configuration, logger: logger
            ) { port in
                logger.info("GradeBench listening", metadata: ["url": "http://\(server.host):\(port)", "db": "\(location)"])
            }
            try await GradeBenchApp.run(app, store: store)
        }
    }
}
