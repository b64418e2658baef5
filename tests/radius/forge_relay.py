#!/usr/bin/env python3
"""A hostile network between a RADIUS client and a real server: forwards
each datagram from the client to the server, and the server's answer back
with one octet of its Response Authenticator flipped (a forgery, or a
secret that does not match). Usage: forge_relay.py LISTEN_PORT SERVER_PORT
[SECONDS]; loopback only; exits after SECONDS (default 30) of silence."""
import socket
import sys

listen_port, server_port = int(sys.argv[1]), int(sys.argv[2])
idle = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
front = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
front.bind(("127.0.0.1", listen_port))
back = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
back.connect(("127.0.0.1", server_port))
front.settimeout(idle)
back.settimeout(5)
try:
    while True:
        req, peer = front.recvfrom(4096)
        back.send(req)
        try:
            resp = bytearray(back.recv(4096))
        except socket.timeout:
            continue
        if len(resp) >= 20:
            resp[4] ^= 0x01
        front.sendto(bytes(resp), peer)
except socket.timeout:
    pass
