package net.synguard.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PacketSocketSenderTest {
    @Test
    void aDescriptorThatIsNoSocketFailsTheSendInsteadOfThrowing() {
        // -1: EBADF; 0 (stdin, never a packet socket in a test run): ENOTSOCK or EBADF.
        assertThat(new PacketSocketSender(-1).send(new byte[60], 60)).isFalse();
        assertThat(new PacketSocketSender(0).send(new byte[60], 60)).isFalse();
    }
}
