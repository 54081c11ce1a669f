import PostgresNIO

/// The invoker's schema in a shared PostgreSQL database: every component's tables, as one list of numbered
/// migrations that ``PostgresMigrator`` applies in order. A shipped migration is never edited; a change is a new one at
/// the end. Each component prefixes its tables with its name (`queue_…`, `log_…`).
enum PostgresSchema {
    /// One step of the schema, applied in a transaction with its record in `schema_migrations`.
    struct Migration: Sendable {
        /// Its number: one more than the migration before.
        var version: Int
        /// What it does, for people.
        var name: String
        /// Its statements, in order.
        var statements: [PostgresQuery]
    }

    /// Every migration, in order.
    static let migrations: [Migration] = [
        // `queue_messages` holds every message not yet acknowledged, in all queues. `visible_at` (milliseconds since
        // 1970) is when it may be leased next: its send time, a lease's deadline (`leased`), or the end of a retry
        // backoff; the index on `(queue, visible_at, seq)` makes a lease a short range scan. The body is bytes, with
        // whether they are UTF-8 text. `queue_dead_letters` holds the messages that failed every delivery,
        // `queue_queues` the queues the invokers serve.
        Migration(
            version: 1,
            name: "queue: messages, dead letters, queues",
            statements: [
                """
                CREATE TABLE queue_messages (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL,
                    queue TEXT NOT NULL,
                    body BYTEA NOT NULL,
                    body_is_text BOOLEAN NOT NULL,
                    md5 TEXT NOT NULL,
                    attributes TEXT,
                    callback_url TEXT,
                    sent_at BIGINT NOT NULL,
                    first_received_at BIGINT,
                    receive_count BIGINT NOT NULL DEFAULT 0,
                    visible_at BIGINT NOT NULL,
                    leased BOOLEAN NOT NULL DEFAULT false,
                    last_error TEXT
                )
                """,
                "CREATE INDEX queue_messages_by_visibility ON queue_messages (queue, visible_at, seq)",
                """
                CREATE TABLE queue_dead_letters (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    id TEXT NOT NULL,
                    queue TEXT NOT NULL,
                    body BYTEA NOT NULL,
                    body_is_text BOOLEAN NOT NULL,
                    md5 TEXT NOT NULL,
                    attributes TEXT,
                    callback_url TEXT,
                    sent_at BIGINT NOT NULL,
                    first_received_at BIGINT,
                    receive_count BIGINT NOT NULL,
                    failed_at BIGINT NOT NULL,
                    last_error TEXT NOT NULL
                )
                """,
                "CREATE INDEX queue_dead_letters_by_queue ON queue_dead_letters (queue, seq)",
                "CREATE TABLE queue_queues (name TEXT PRIMARY KEY, function TEXT NOT NULL, kind TEXT NOT NULL)",
            ]
        ),
        // `log_invocations` holds the invocation records of every node, with the columns of the SQLite log (times
        // in milliseconds since 1970). Ids and function names compare byte by byte (`COLLATE "C"`), as in SQLite, so
        // listings, cursors and id prefixes mean the same in both. `seq` numbers the rows in the order they were
        // written, for `invoker logs --follow`; each filter column has an index on `(column, id)` so that filtered
        // listings walk an index newest first, and `started_at` one for retention.
        Migration(
            version: 2,
            name: "log: invocations",
            statements: [
                """
                CREATE TABLE log_invocations (
                    id TEXT COLLATE "C" PRIMARY KEY,
                    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
                    function TEXT COLLATE "C" NOT NULL,
                    trigger TEXT COLLATE "C" NOT NULL,
                    started_at BIGINT NOT NULL,
                    ended_at BIGINT NOT NULL,
                    duration_ms DOUBLE PRECISION NOT NULL,
                    init_duration_ms DOUBLE PRECISION,
                    wait_ms DOUBLE PRECISION NOT NULL,
                    cold BOOLEAN NOT NULL,
                    status TEXT COLLATE "C" NOT NULL,
                    http_status BIGINT,
                    error_type TEXT,
                    error_message TEXT,
                    request_bytes BIGINT NOT NULL,
                    response_bytes BIGINT NOT NULL,
                    worker_pid BIGINT,
                    max_memory_kb BIGINT,
                    queue_message_id TEXT,
                    attempt BIGINT,
                    log TEXT,
                    caller TEXT,
                    node TEXT
                )
                """,
                "CREATE INDEX log_invocations_by_function ON log_invocations (function, id)",
                "CREATE INDEX log_invocations_by_status ON log_invocations (status, id)",
                "CREATE INDEX log_invocations_by_trigger ON log_invocations (trigger, id)",
                "CREATE INDEX log_invocations_by_started_at ON log_invocations (started_at)",
            ]
        ),
        // `cluster_nodes` holds one row per node, which its heartbeat rewrites (see ``NodeTable``): where it is, when it
        // started (its own clock), its version, its live workers per function (JSON text), and when it last beat, in
        // milliseconds since 1970 by the database's clock, so that nodes' clocks never decide whether a node is gone.
        Migration(
            version: 3,
            name: "cluster: nodes",
            statements: [
                """
                CREATE TABLE cluster_nodes (
                    name TEXT PRIMARY KEY,
                    address TEXT NOT NULL,
                    started_at BIGINT NOT NULL,
                    version TEXT NOT NULL,
                    heartbeat_at BIGINT NOT NULL,
                    workers TEXT NOT NULL,
                    stopped BOOLEAN NOT NULL DEFAULT false
                )
                """
            ]
        ),
        // `schedule_firings` holds one row per fired slot of a schedule (see ``ScheduleStore``): its primary key is
        // what lets one node, once, fire a slot; the row names the message it enqueued and the node.
        Migration(
            version: 4,
            name: "schedule: firings",
            statements: [
                """
                CREATE TABLE schedule_firings (
                    function TEXT NOT NULL,
                    schedule TEXT NOT NULL,
                    scheduled_at BIGINT NOT NULL,
                    fired_at BIGINT NOT NULL,
                    message_id TEXT NOT NULL,
                    node TEXT,
                    PRIMARY KEY (function, schedule, scheduled_at)
                )
                """
            ]
        ),
        // The slot of a scheduled invocation, in milliseconds since 1970.
        Migration(
            version: 5,
            name: "log: scheduled_at",
            statements: ["ALTER TABLE log_invocations ADD COLUMN scheduled_at BIGINT"]
        ),
        // The generation of the function that ran each invocation (see ``Generation``).
        Migration(
            version: 6,
            name: "log: generation",
            statements: ["ALTER TABLE log_invocations ADD COLUMN generation TEXT"]
        ),
    ]

    /// The newest schema version this invoker knows.
    static var latestVersion: Int { migrations.last?.version ?? 0 }
}
