import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * DynamoDB Local bound to 127.0.0.1. Its own main (`java -jar DynamoDBLocal.jar`) has no option
 * for the address and listens on every interface, so anyone on the network could rewrite the
 * local accounts and ledgers. This launcher takes the same arguments, builds the same server, and
 * narrows its Jetty connectors to loopback before they open (lib/local/dynamodb-local.ts).
 */
public final class LoopbackDynamoDbLocal {
  private LoopbackDynamoDbLocal() {}

  public static void main(String[] args) {
    try {
      start(args);
    } catch (Throwable error) {
      // Jetty's threads outlive a failed start (a port taken between our probe and this bind):
      // without an exit the JVM would linger, and the starter would wait for an answer instead
      // of trying another port (lib/local/dynamodb-local.ts).
      error.printStackTrace();
      System.exit(1);
    }
  }

  private static void start(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local made no connector to bind");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException("DynamoDB Local made a connector that cannot be bound to loopback: " + connector);
      }
      ((ServerConnector) connector).setHost("127.0.0.1");
    }
    proxy.start();
  }
}
