/**
 * The kernel's own view of SYN backlog pressure, read from {@code /proc} once a tick and shown
 * beside what synguard sees on the wire.
 *
 * <p>What the TcpExt counters in {@code /proc/net/netstat} (also {@code nstat -az}) tell an
 * operator. All count events since the network namespace was created; synguard shows the change
 * per interval.
 *
 * <ul>
 *   <li><b>SyncookiesSent</b>: the kernel answered a SYN with a SYN cookie instead of keeping a
 *       half-open connection. It does so when a listener's SYN queue is full and
 *       {@code net.ipv4.tcp_syncookies} is 1, or always when it is 2. Rising means the kernel is
 *       defending itself: the queue is full, which under a flood is the attack working.
 *   <li><b>SyncookiesRecv</b>: ACKs that carried a valid cookie and became connections. Real
 *       clients getting through while cookies are on.
 *   <li><b>SyncookiesFailed</b>: ACKs that matched no connection, came to a listener that had
 *       sent cookies recently, and carried no valid cookie: cookies past their lifetime, or forged
 *       ACKs (an ACK flood guessing cookies). cookie_v4_check in net/ipv4/syncookies.c.
 *   <li><b>ListenOverflows</b>: the accept queue was full, connections the application had not
 *       accept()ed yet (its length is {@code listen()}'s backlog capped by
 *       {@code net.core.somaxconn}). A completed handshake or a new SYN was dropped. Rising
 *       without a flood means the application is too slow, not that the network is attacked.
 *   <li><b>ListenDrops</b>: every SYN or handshake-completing ACK a listener dropped, for any
 *       reason: includes all ListenOverflows and TCPReqQFullDrop, plus drops for lack of memory
 *       (tcp_listendrop in include/net/tcp.h).
 *   <li><b>TCPReqQFullDrop</b>: a SYN dropped because the SYN (request) queue was full and SYN
 *       cookies were off. Every one is a client, real or forged, turned away; with cookies on, this
 *       stays at zero and TCPReqQFullDoCookies rises instead.
 *   <li><b>TCPReqQFullDoCookies</b>: a SYN cookie sent because the SYN queue was full, or on
 *       every SYN with tcp_syncookies=2 (tcp_syn_flood_action in net/ipv4/tcp_input.c). When the
 *       queue first fills the kernel also logs "Possible SYN flooding on port N", once per
 *       listener.
 * </ul>
 *
 * <p>From {@code /proc/net/tcp} and {@code tcp6}: the sockets in SYN_RECV per local port (the SYN
 * queue as the kernel holds it; with cookies on it stops growing at the queue limit, because a
 * cookie answer creates no socket) and each listener's accept-queue length.
 */
package net.synguard.kernel;
