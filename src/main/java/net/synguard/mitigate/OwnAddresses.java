package net.synguard.mitigate;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.synguard.decode.Address;

/**
 * The host's own addresses and its interfaces' subnet broadcasts: the responder never answers a
 * SYN that claims to come from one of them (a spoofed SYN "from us" would have us talk to
 * ourselves, or to a whole subnet). Read from the kernel ({@link NetworkInterface}) at start and
 * refreshed by the daemon's housekeeping; the capture threads read one volatile array, and the
 * check is a short loop over primitives.
 */
public final class OwnAddresses {
    /** hi, lo pairs. */
    private volatile long[] addresses = new long[0];

    /** Re-reads the addresses; keeps the old list when the kernel cannot be asked. */
    public void refresh() {
        List<Address> found = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InterfaceAddress ia : nic.getInterfaceAddresses()) {
                    add(found, ia.getAddress());
                    add(found, ia.getBroadcast());
                }
            }
        } catch (SocketException e) {
            return;
        }
        set(found);
    }

    /** Replaces the list (tests, and {@link #refresh}). */
    public void set(List<Address> list) {
        long[] next = new long[list.size() * 2];
        for (int i = 0; i < list.size(); i++) {
            next[2 * i] = list.get(i).hi();
            next[2 * i + 1] = list.get(i).lo();
        }
        addresses = next;
    }

    public boolean contains(long hi, long lo) {
        long[] a = addresses;
        for (int i = 0; i < a.length; i += 2) {
            if (a[i] == hi && a[i + 1] == lo) {
                return true;
            }
        }
        return false;
    }

    public int size() {
        return addresses.length / 2;
    }

    private static void add(List<Address> out, InetAddress a) {
        if (a instanceof Inet4Address v4) {
            byte[] b = v4.getAddress();
            out.add(Address.ofIpv4((b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF)));
        } else if (a instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            long hi = 0;
            long lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = hi << 8 | (b[i] & 0xFF);
                lo = lo << 8 | (b[i + 8] & 0xFF);
            }
            out.add(new Address(hi, lo));
        }
    }
}
