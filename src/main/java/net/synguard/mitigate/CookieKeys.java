package net.synguard.mitigate;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;

/**
 * The SYN-cookie secrets: the current generation and, after a rotation, the previous one, so that a
 * cookie issued just before a rotation verifies for its whole lifetime (see {@link KeyRing}).
 *
 * <p>Fresh secrets come from {@link SecureRandom}. They are kept in {@value #FILE_NAME} under the
 * state directory, mode 0600, so that a restart does not void the cookies in flight; every write
 * goes to a temporary file in the same directory, is synced, and is renamed over the old one, so a
 * crash leaves either file whole. A file that is short, corrupt, of another version or readable by
 * others is replaced by fresh keys, and {@link #loadWarning} says why (the caller logs it).
 *
 * <p>Rotation follows packet time, like every other schedule in synguard: {@link #maybeRotate}
 * on the capture thread or the tick. The first call schedules the first rotation one interval
 * later. Readers on any thread ({@link CookieCodec}) see each key set whole.
 *
 * <pre>
 * File layout (big-endian, {@value #FILE_SIZE} bytes):
 *   0  magic "SGCK"          4  version (1)           8  flags (bit 0: previous present)
 *  12  switchAtNs (8)       20  rotationDueNs (8)
 *  28  current K1, K2 (4 x 8)                        60  previous K1, K2 (4 x 8, 0 when absent)
 *  92  CRC-32C of bytes 0..91
 * </pre>
 */
public final class CookieKeys {
    public static final String FILE_NAME = "cookie-keys";
    static final int FILE_SIZE = 96;
    /** {@link KeyRing#rotationDueNs} before the first packet. */
    static final long NOT_SCHEDULED = Long.MIN_VALUE;

    private static final int MAGIC = 0x5347434B; // "SGCK"
    private static final int VERSION = 1;
    private static final int FLAG_PREVIOUS = 1;
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final long periodNs;
    private final long rotationNs;
    private final SecureRandom random;
    private final Path dir; // null: in memory only
    private final String loadWarning;
    private volatile KeyRing ring;
    private long rotations;
    private long saveFailures;
    private String lastSaveError;

    private CookieKeys(
            long periodNs, long rotationNs, SecureRandom random, Path dir, KeyRing ring, String loadWarning) {
        this.periodNs = periodNs;
        this.rotationNs = rotationNs;
        this.random = random;
        this.dir = dir;
        this.ring = ring;
        this.loadWarning = loadWarning;
    }

    /**
     * Loads the keys from {@code stateDir}, or makes and saves new ones.
     *
     * @param periodNs the cookie counter period (Linux: 60 s); a cookie lives two
     * @param rotationNs packet time between rotations; at least two periods, so that the previous
     *     generation outlives every cookie it issued
     * @throws CookieKeysException when the directory is missing, not a directory, not writable, or
     *     the file cannot be written
     */
    public static CookieKeys open(Path stateDir, long periodNs, long rotationNs) throws CookieKeysException {
        return open(stateDir, periodNs, rotationNs, new SecureRandom());
    }

    static CookieKeys open(Path stateDir, long periodNs, long rotationNs, SecureRandom random)
            throws CookieKeysException {
        checkSchedule(periodNs, rotationNs);
        checkStateDir(stateDir);
        Path file = stateDir.resolve(FILE_NAME);
        String warning = null;
        KeyRing loaded = null;
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            String problem;
            try {
                loaded = read(file, periodNs);
                problem = null;
            } catch (IllegalStateException | UnsupportedOperationException e) {
                problem = e instanceof UnsupportedOperationException ? "has no POSIX permissions" : e.getMessage();
            } catch (IOException e) {
                problem = "could not be read (" + reason(e) + ")";
            }
            if (problem != null) {
                warning = "cookie key file " + file + " " + problem
                        + ": replaced with new keys; cookies issued before this start will not verify";
            }
        }
        CookieKeys keys = new CookieKeys(
                periodNs, rotationNs, random, stateDir, loaded != null ? loaded : fresh(random), warning);
        if (loaded == null) {
            try {
                keys.save();
            } catch (IOException e) {
                throw new CookieKeysException("cannot write cookie key file " + file + ": " + reason(e), e);
            } catch (UnsupportedOperationException e) {
                throw new CookieKeysException(
                        "cannot write cookie key file " + file
                                + ": its file system has no POSIX permissions (expected: one that can make it mode 0600)",
                        e);
            }
        }
        return keys;
    }

    /** Keys that live only in memory (replay, tests, benchmarks): a restart voids every cookie. */
    public static CookieKeys ephemeral(long periodNs, long rotationNs) {
        checkSchedule(periodNs, rotationNs);
        SecureRandom random = new SecureRandom();
        return new CookieKeys(periodNs, rotationNs, random, null, fresh(random), null);
    }

    /** Given secrets, in memory: for tests. */
    static CookieKeys of(long periodNs, long rotationNs, KeyRing ring) {
        checkSchedule(periodNs, rotationNs);
        return new CookieKeys(periodNs, rotationNs, new SecureRandom(), null, ring, null);
    }

    /** Why the key file was replaced at load, if it was. */
    public Optional<String> loadWarning() {
        return Optional.ofNullable(loadWarning);
    }

    /**
     * Rotates the keys when the schedule says so; true when it did. Cheap when nothing is due. A
     * rotation (and the first call, which sets the schedule) writes the file; a failed write keeps
     * the new keys in memory and is counted ({@link #saveFailures}), since the cookies still work
     * until the next restart.
     */
    public boolean maybeRotate(long nowNs) {
        KeyRing r = ring;
        if (nowNs < r.rotationDueNs() && r.rotationDueNs() - nowNs <= rotationNs) {
            return false;
        }
        return rotateOrSchedule(nowNs);
    }

    private synchronized boolean rotateOrSchedule(long nowNs) {
        KeyRing r = ring;
        if (r.rotationDueNs() == NOT_SCHEDULED || r.rotationDueNs() - nowNs > rotationNs) {
            // First packet, or packet time went back by more than an interval (a clock step): the
            // schedule restarts from now.
            ring = r.withRotationDue(nowNs + rotationNs);
            trySave();
            return false;
        }
        if (nowNs < r.rotationDueNs()) {
            return false;
        }
        long counter = Math.floorDiv(nowNs, periodNs);
        if (r.previous() != null && counter < r.switchCounter()) {
            // The last switch has not taken effect (time went back): rotating now would drop the
            // generation that issued the cookies of this period.
            return false;
        }
        long switchCounter = counter + 1;
        ring = new KeyRing(
                freshSecret(random), r.current(), switchCounter * periodNs, switchCounter, nowNs + rotationNs);
        rotations++;
        trySave();
        return true;
    }

    public long periodNs() {
        return periodNs;
    }

    public long rotationNs() {
        return rotationNs;
    }

    public synchronized long rotations() {
        return rotations;
    }

    /** Writes of the key file that failed after start-up. */
    public synchronized long saveFailures() {
        return saveFailures;
    }

    public synchronized Optional<String> lastSaveError() {
        return Optional.ofNullable(lastSaveError);
    }

    /** The key file, or empty for {@link #ephemeral} keys. */
    public Optional<Path> file() {
        return dir == null ? Optional.empty() : Optional.of(dir.resolve(FILE_NAME));
    }

    KeyRing ring() {
        return ring;
    }

    private void trySave() {
        try {
            save();
        } catch (IOException e) {
            saveFailures++;
            lastSaveError = "cannot write cookie key file " + dir.resolve(FILE_NAME) + ": " + reason(e);
        }
    }

    private void save() throws IOException {
        if (dir == null) {
            return;
        }
        byte[] bytes = encode(ring);
        Path tmp = Files.createTempFile(
                dir, "." + FILE_NAME + "-", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.setPosixFilePermissions(tmp, OWNER_ONLY); // in case the umask took bits away
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(
                    tmp, dir.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory();
    }

    /** Makes the rename durable; best effort, as not every file system lets a directory be opened. */
    private void syncDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // The file itself is synced; only the rename may be lost in a crash.
        }
    }

    private static KeyRing read(Path file, long periodNs) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalStateException("is not a regular file");
        }
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
        if (!OWNER_ONLY.containsAll(mode)) {
            throw new IllegalStateException("had mode " + PosixFilePermissions.toString(mode)
                    + " (expected: rw-------), so the keys may have been read by others");
        }
        ByteBuffer buf = ByteBuffer.allocate(FILE_SIZE + 1);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read until full or end of file
            }
        }
        if (buf.position() != FILE_SIZE) {
            throw new IllegalStateException(
                    "is " + (buf.position() > FILE_SIZE ? "more than " + FILE_SIZE : buf.position())
                            + " bytes (expected: " + FILE_SIZE + ")");
        }
        return decode(buf.flip(), periodNs);
    }

    static KeyRing decode(ByteBuffer buf, long periodNs) {
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, FILE_SIZE - 4);
        if (buf.getInt(FILE_SIZE - 4) != (int) crc.getValue()) {
            throw new IllegalStateException("fails its checksum (corrupt)");
        }
        if (buf.getInt() != MAGIC) {
            throw new IllegalStateException("is not a synguard key file (no SGCK magic)");
        }
        int version = buf.getInt();
        if (version != VERSION) {
            throw new IllegalStateException("has version " + version + " (expected: " + VERSION + ")");
        }
        int flags = buf.getInt();
        long switchAtNs = buf.getLong();
        long rotationDueNs = buf.getLong();
        CookieSecret current = new CookieSecret(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
        CookieSecret previous = new CookieSecret(buf.getLong(), buf.getLong(), buf.getLong(), buf.getLong());
        if ((flags & ~FLAG_PREVIOUS) != 0) {
            throw new IllegalStateException("has unknown flags 0x" + Integer.toHexString(flags));
        }
        if (isZero(current)) {
            throw new IllegalStateException("holds an all-zero key");
        }
        if ((flags & FLAG_PREVIOUS) == 0) {
            return new KeyRing(current, null, Long.MIN_VALUE, Long.MIN_VALUE, rotationDueNs);
        }
        // Stored as a time so that a changed period still splits the counters at the same moment.
        return new KeyRing(current, previous, switchAtNs, Math.ceilDiv(switchAtNs, periodNs), rotationDueNs);
    }

    static byte[] encode(KeyRing r) {
        ByteBuffer buf = ByteBuffer.allocate(FILE_SIZE);
        buf.putInt(MAGIC).putInt(VERSION).putInt(r.previous() != null ? FLAG_PREVIOUS : 0);
        buf.putLong(r.previous() != null ? r.switchAtNs() : 0).putLong(r.rotationDueNs());
        put(buf, r.current());
        put(buf, r.previous() != null ? r.previous() : new CookieSecret(0, 0, 0, 0));
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, FILE_SIZE - 4);
        buf.putInt((int) crc.getValue());
        return buf.array();
    }

    private static void put(ByteBuffer buf, CookieSecret s) {
        buf.putLong(s.k1a()).putLong(s.k1b()).putLong(s.k2a()).putLong(s.k2b());
    }

    private static boolean isZero(CookieSecret s) {
        return (s.k1a() | s.k1b() | s.k2a() | s.k2b()) == 0;
    }

    private static KeyRing fresh(SecureRandom random) {
        return new KeyRing(freshSecret(random), null, Long.MIN_VALUE, Long.MIN_VALUE, NOT_SCHEDULED);
    }

    private static CookieSecret freshSecret(SecureRandom random) {
        return new CookieSecret(random.nextLong(), random.nextLong(), random.nextLong(), random.nextLong());
    }

    private static void checkSchedule(long periodNs, long rotationNs) {
        if (periodNs <= 0) {
            throw new IllegalArgumentException("cookie period " + periodNs + " ns (expected: > 0)");
        }
        if (rotationNs / 2 < periodNs) {
            throw new IllegalArgumentException("cookie key rotation every " + rotationNs
                    + " ns (expected: at least two cookie periods, " + 2 * periodNs + " ns)");
        }
    }

    private static void checkStateDir(Path dir) throws CookieKeysException {
        String expected = " (expected: a directory the daemon can write, synguard.state-dir)";
        if (!Files.exists(dir)) {
            throw new CookieKeysException("state directory " + dir + " does not exist" + expected);
        }
        if (!Files.isDirectory(dir)) {
            throw new CookieKeysException("state directory " + dir + " is not a directory" + expected);
        }
        if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
            throw new CookieKeysException("state directory " + dir + " is not writable by user "
                    + System.getProperty("user.name") + expected);
        }
    }

    private static String reason(IOException e) {
        String type = e.getClass().getSimpleName();
        return e.getMessage() == null ? type : type + ": " + e.getMessage();
    }
}
