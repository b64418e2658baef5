#!/usr/bin/env python3
"""send-file.py HOST PORT FILE SECONDS: send FILE over one TCP connection and
exit 0 once the receiver has closed its side, having read everything.

socat -u shuts its side and exits at end of file: the socket, with data
still unacknowledged, becomes an orphan, and Linux kills an orphan whose
retransmission timer has reached its cap (tcp_orphan_retries; pptp.sh caps
the RTO at 4 s under netem), so the rest of the file was never sent. Here
the process holds the socket until the peer's FIN, which TCP delivers
after all the data. Connecting is retried every 0.2 s (the listener may
start later); everything within SECONDS, else exit 1."""
import socket
import sys
import time


def main():
    host, port, path, secs = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    deadline = time.monotonic() + secs
    while True:
        try:
            s = socket.create_connection((host, port), timeout=5)
            break
        except OSError as e:
            if time.monotonic() > deadline:
                print(f"send-file: connect {host}:{port}: {e}", file=sys.stderr)
                return 1
            time.sleep(0.2)
    try:
        s.settimeout(max(1.0, deadline - time.monotonic()))
        with open(path, "rb") as f:
            s.sendall(f.read())
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
    except OSError as e:
        print(f"send-file: {host}:{port}: {e}", file=sys.stderr)
        return 1
    finally:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
