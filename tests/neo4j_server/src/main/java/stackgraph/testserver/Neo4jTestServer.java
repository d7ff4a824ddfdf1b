package stackgraph.testserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * A throwaway Neo4j Community server for tests: the embedded DBMS with the Bolt
 * connector on 127.0.0.1, authentication on, data in a directory that is
 * deleted on shutdown.
 *
 * <pre>
 *   NEO4J_PASSWORD=secret-pw java -cp ... stackgraph.testserver.Neo4jTestServer [--port 0]
 *       [--data-dir DIR] [--ignore-stdin]
 * </pre>
 *
 * The password of user {@code neo4j} comes from the environment variable
 * NEO4J_PASSWORD (8 characters or more, Neo4j's minimum), so it never shows in
 * a process listing. Port 0, the default, takes a free port. When Bolt is up
 * and the password is set, it prints one line {@code NEO4J_URI=bolt://127.0.0.1:PORT}
 * on stdout. It shuts down on SIGTERM or SIGINT, and when stdin closes unless
 * {@code --ignore-stdin} is given (for a server started in the background).
 */
public final class Neo4jTestServer {

    private static final String HOST = "127.0.0.1";

    private Neo4jTestServer() {}

    public static void main(String[] args) throws IOException {
        int port = 0;
        Path dataDir = null;
        boolean watchStdin = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(valueOf(args, ++i, "--port"));
                case "--data-dir" -> dataDir = Paths.get(valueOf(args, ++i, "--data-dir"));
                case "--ignore-stdin" -> watchStdin = false;
                default -> fail("unknown argument " + args[i]
                        + "; usage: Neo4jTestServer [--port N] [--data-dir DIR] [--ignore-stdin]");
            }
        }
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            fail("set NEO4J_PASSWORD to the password for user neo4j (8 characters or more)");
        }
        Path home = dataDir != null ? Files.createDirectories(dataDir) : Files.createTempDirectory("neo4j-test-");

        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(Map.of(
                        BoltConnector.enabled, true,
                        BoltConnector.listen_address, new SocketAddress(HOST, port),
                        BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED,
                        GraphDatabaseSettings.auth_enabled, true,
                        // Tests try wrong passwords on purpose; no lock-out of user neo4j after them.
                        GraphDatabaseSettings.auth_max_failed_attempts, 0,
                        GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024,
                        GraphDatabaseSettings.udc_enabled, false,
                        // Netty's graceful Bolt shutdown waits ~10 s by default; a test server need not.
                        GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0,
                        GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2)))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dbms.shutdown();
            deleteTree(home);
        }, "neo4j-test-server-shutdown"));

        // Community edition has ALTER USER; the password is a parameter, never Cypher text.
        dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));

        // With port 0 the connector binds a free port; the port register knows which.
        GraphDatabaseAPI system = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        int boundPort = system.getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT)
                .getPort();
        System.out.println("NEO4J_URI=bolt://" + HOST + ":" + boundPort);
        System.out.flush();

        if (watchStdin) {
            drain(System.in);
            System.exit(0);
        }
    }

    private static String valueOf(String[] args, int index, String option) {
        if (index >= args.length) {
            fail(option + " needs a value");
        }
        return args[index];
    }

    private static void fail(String message) {
        System.err.println("neo4j-test-server: " + message);
        System.exit(2);
    }

    /** Reads until end of input: the parent closed our stdin, or went away. */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        while (in.read(buffer) != -1) {
            // input is ignored; only its end matters
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("neo4j-test-server: could not delete " + root + ": " + e.getMessage());
        }
    }
}
