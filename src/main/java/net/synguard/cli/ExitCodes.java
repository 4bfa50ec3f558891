package net.synguard.cli;

/** Exit codes from sysexits.h, so that systemd and scripts can tell a bad file from a crash. */
final class ExitCodes {
    static final int OK = 0;
    /** EX_USAGE: bad command line. */
    static final int USAGE = 64;
    /** EX_DATAERR: the input is not what it should be (not a capture file). */
    static final int DATA = 65;
    /** EX_NOINPUT: the input file does not exist or cannot be read. */
    static final int NO_INPUT = 66;
    /** EX_SOFTWARE: a bug. */
    static final int SOFTWARE = 70;
    /** EX_IOERR: reading failed part-way. */
    static final int IO = 74;
    /** EX_CONFIG: a bad configuration; the unit's RestartPreventExitStatus names it. */
    static final int CONFIG = 78;

    private ExitCodes() {}
}
