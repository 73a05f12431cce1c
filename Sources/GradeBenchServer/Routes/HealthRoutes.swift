import Hummingbird

extension APIRouter {
    /// `GET /health`: the process is up and serving. Touches nothing else, so load balancers can poll it.
    func addHealthRoutes() {
        add(.get, "/health") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#))
            )
        }

        /// `GET /openapi.yaml`: the API's OpenAPI 3.1 document (docs/openapi.yaml, embedded at build time).
        add(.get, "/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml))
            )
        }
    }
}
