"""Small helpers shared by the lab's Python tools (tests/lab/*.py and lab.sh's inline Python)."""

import struct

_MAGICS = (0xA1B2C3D4, 0xA1B23C4D)  # microsecond and nanosecond classic pcap


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list; None if empty."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def pcap_records(f, name="capture", linktype=None):
    """Yield (timestamp, frame bytes) from a classic pcap stream (any byte order, us or ns).

    An empty stream yields nothing; a stream that is not classic pcap, or whose link type is not
    LINKTYPE (when given), raises ValueError naming NAME.
    """
    h = f.read(24)
    if len(h) < 24:
        return
    if struct.unpack("<I", h[:4])[0] in _MAGICS:
        e = "<"
    elif struct.unpack(">I", h[:4])[0] in _MAGICS:
        e = ">"
    else:
        raise ValueError("%s: not a classic pcap file (magic %08x)" % (name, struct.unpack("<I", h[:4])[0]))
    div = 1e9 if struct.unpack(e + "I", h[:4])[0] == 0xA1B23C4D else 1e6
    lt = struct.unpack(e + "I", h[20:24])[0]
    if linktype is not None and lt != linktype:
        raise ValueError("%s: link type %d, expected %d" % (name, lt, linktype))
    rec = struct.Struct(e + "IIII")
    while True:
        r = f.read(16)
        if len(r) < 16:
            return
        sec, frac, incl, _ = rec.unpack(r)
        yield sec + frac / div, f.read(incl)
