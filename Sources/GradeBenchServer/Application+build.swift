import GradeBenchCore
import GradeBenchStore
import Hummingbird
import Logging

/// Assembles GradeBench's HTTP application.
public enum GradeBenchApp {
    /// The router with every route declared, for the server and for tests (`app.test(.router)`).
    public static func buildRouter(store: Store, policies: PolicySet, keys: ServerKeys, configuration: ServerConfiguration) -> (
        Router<BasicRequestContext>, APIRouter
    ) {
        let router = Router()
        let api = APIRouter(router: router, store: store)
        api.addHealthRoutes()
        api.addIdentityRoutes(configuration: configuration)
        api.addRegistryRoutes()
        api.addConsentRoutes(policies: policies)
        api.addSubmissionRoutes(
            service: SubmissionService(store: store, keys: keys, catalogue: .standard), configuration: configuration
        )
        api.addPublicationRoutes(service: PublicationService(store: store, policies: policies), policies: policies)
        let snapshots = SnapshotCache(store: store)
        api.addComparisonRoutes(
            service: ComparisonService(store: store, snapshots: snapshots), benchmarks: BenchmarkService(store: store, snapshots: snapshots))
        api.addPupilRoutes(keys: keys)
        api.addAuditRoutes()
        return (router, api)
    }

    /// The application: the store runs as a service in the same ServiceGroup and the schema is migrated
    /// before the server accepts connections.
    public static func build(
        store: Store, policies: PolicySet, keys: ServerKeys, configuration: ServerConfiguration, logger: Logger,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let (router, _) = buildRouter(store: store, policies: policies, keys: keys, configuration: configuration)
        var app = Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "GradeBench"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger
        )
        app.addServices(store)
        app.beforeServerStarts {
            let report = try await store.migrate()
            logger.info("database ready", metadata: ["schema": "\(report.to)", "applied": "\(report.applied)"])
        }
        return app
    }

    /// Runs the application until SIGTERM/SIGINT, then closes the store — also when the service group failed before
    /// the store's own service started (e.g. a migration refused), so its connection is never left open.
    public static func run(_ app: some ApplicationProtocol, store: Store) async throws {
        do {
            try await app.runService()
        } catch {
            await store.shutdown()
            throw error
        }
        await store.shutdown()
    }
}
