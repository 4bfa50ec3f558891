package net.synguard.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Optional;
import net.synguard.config.ConfigLoader;
import net.synguard.config.MetricsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The endpoint has no authentication: by default it listens on loopback only, and listening
 * anywhere else takes an explicit metrics.listen and is logged as a warning.
 */
class ControlServerLoopbackTest {
    private final Logger logger = (Logger) LoggerFactory.getLogger(ControlServer.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
    }

    private List<ILoggingEvent> warnings() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    }

    @Test
    void theDefaultIsLoopbackAndAConfigWithoutMetricsKeepsIt() throws Exception {
        MetricsConfig shipped = ConfigLoader.defaults().metrics();
        assertThat(shipped.host()).isEqualTo("127.0.0.1");
        MetricsConfig unset = ConfigLoader.parse("synguard { interfaces = [ \"lo\" ] }", "t.conf")
                .metrics();
        assertThat(unset).isEqualTo(shipped);
    }

    @Test
    void theDefaultBindsLoopbackOnlyWithoutAWarning() throws Exception {
        MetricsConfig shipped = ConfigLoader.defaults().metrics();
        try (ControlServer c = ControlServer.start(shipped.host(), 0, ControlServerTest::status)) {
            InetSocketAddress bound = c.address();
            assertThat(bound.getAddress().isLoopbackAddress())
                    .as("bound to %s", bound)
                    .isTrue();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), c.port())) {
                assertThat(s.isConnected()).isTrue();
            }
            // Not reachable on this host's other addresses (where it has one).
            Optional<InetAddress> other = nonLoopbackAddress();
            if (other.isPresent()) {
                assertThatThrownBy(() -> new Socket(other.get(), c.port()).close())
                        .as("connect to %s", other.get())
                        .isInstanceOf(IOException.class);
            }
        }
        assertThat(warnings()).isEmpty();
    }

    @Test
    void ipv6LoopbackIsLoopbackToo() throws Exception {
        try (ControlServer c = ControlServer.start("::1", 0, ControlServerTest::status)) {
            assertThat(c.address().getAddress().isLoopbackAddress()).isTrue();
        } catch (SocketException e) {
            Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
        }
        assertThat(warnings()).isEmpty();
    }

    @Test
    void anExplicitNonLoopbackListenIsLoggedAsAWarning() throws Exception {
        try (ControlServer c = ControlServer.start("0.0.0.0", 0, ControlServerTest::status)) {
            assertThat(c.address().getAddress().isAnyLocalAddress()).isTrue();
            assertThat(warnings()).hasSize(1);
            String message = warnings().get(0).getFormattedMessage();
            assertThat(message)
                    .contains("metrics.listen = 0.0.0.0:" + c.port())
                    .contains("no authentication")
                    .contains("every address")
                    .contains("IPAddressAllow=");
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .findFirst();
    }
}
