import Foundation

extension TestEnvironment {
    /// A `command` function in Python, with no dependencies, that speaks the Lambda Runtime API and reports what its
    /// worker (running as its own user) could do: for an event `{"open": [paths], "get": [urls], "steal": "host:port"}`
    /// it answers `{"uid", "open": {path: outcome}, "sqlite": {path: outcome}, "get": {url: outcome}, "steal":
    /// outcome}`, where an outcome is `read`, an HTTP status, or the name of the exception it got.
    func probeFunction(_ settings: [String: Any] = [:]) throws -> [String: Any] {
        let script = directory.appendingPathComponent("probe.py")
        try Self.probeScript.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        // The system's Python: a worker's user cannot enter root's home, where pyenv lives. Its start and its probes
        // may take seconds on a loaded machine, hence the generous timeout.
        return ["timeout": 60].merging(settings) { $1 }.merging(["command": ["/usr/bin/python3", script.path]]) { $1 }
    }

    private static let probeScript = #"""
        import http.client, json, os, sqlite3, urllib.error, urllib.request

        api = os.environ["AWS_LAMBDA_RUNTIME_API"]

        def attempt_open(path):
            try:
                with open(path, "rb") as file:
                    file.read(1)
                return "read"
            except OSError as error:
                return type(error).__name__

        def attempt_sqlite(path):
            try:
                database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                database.execute("select count(*) from sqlite_master").fetchall()
                return "read"
            except sqlite3.Error as error:
                return type(error).__name__

        def attempt_get(url):
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    return str(response.status)
            except urllib.error.HTTPError as error:
                return str(error.code)
            except Exception as error:
                return type(error).__name__

        def attempt_steal(address):
            connection = http.client.HTTPConnection(address, timeout=5)
            try:
                connection.request("GET", "/2018-06-01/runtime/invocation/next")
                response = connection.getresponse()
                return "answered %d %s" % (response.status, response.getheader("Lambda-Runtime-Aws-Request-Id"))
            except Exception as error:
                return type(error).__name__
            finally:
                connection.close()

        while True:
            with urllib.request.urlopen(f"http://{api}/2018-06-01/runtime/invocation/next") as response:
                request_id = response.headers["Lambda-Runtime-Aws-Request-Id"]
                event = json.loads(response.read())
            result = {
                "uid": os.getuid(),
                "open": {path: attempt_open(path) for path in event.get("open", [])},
                "sqlite": {path: attempt_sqlite(path) for path in event.get("open", [])},
                "get": {url: attempt_get(url) for url in event.get("get", [])},
                "steal": attempt_steal(event["steal"]) if "steal" in event else None,
            }
            url = f"http://{api}/2018-06-01/runtime/invocation/{request_id}/response"
            urllib.request.urlopen(urllib.request.Request(url, data=json.dumps(result).encode(), method="POST")).read()
        """#
}
