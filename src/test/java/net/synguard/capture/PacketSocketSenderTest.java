package net.synguard.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class PacketSocketSenderTest {
    @Test
    void aDescriptorThatIsNoSocketFailsTheSendInsteadOfThrowing() {
        // -1: EBADF; 0 (stdin, never a packet socket in a test run): ENOTSOCK or EBADF.
        try (Arena arena = Arena.ofConfined()) {
            assertThat(new PacketSocketSender(-1, arena).send(new byte[60], 60)).isFalse();
            assertThat(new PacketSocketSender(0, arena).send(new byte[60], 60)).isFalse();
        }
    }

    @Test
    void aFrameLongerThanTheBufferIsRefusedBeforeAnyCopy() {
        try (Arena arena = Arena.ofConfined()) {
            int tooLong = PacketSocketSender.MAX_FRAME + 1;
            assertThat(new PacketSocketSender(-1, arena).send(new byte[tooLong], tooLong))
                    .isFalse();
        }
    }
}
