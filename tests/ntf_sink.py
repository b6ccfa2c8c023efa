#!/usr/bin/env python3
"""ntf_sink.py: an SMTP or HTTP sink for tests/it_notify.sh.

    ntf_sink.py smtp|http DIR
    ntf_sink.py smtps|https DIR CERT KEY
    ntf_sink.py smtp+starttls DIR CERT KEY

Listens on 127.0.0.1 on a free port and writes the port to DIR/port.
smtps and https speak TLS from the first byte with the certificate CERT
and its key KEY (PEM files); a client that refuses the certificate never
gets to a request, so its attempt is not in attempts.jsonl.
smtp+starttls speaks plain SMTP, offers STARTTLS and refuses MAIL before
the client has switched to TLS (530), as a submission server on port 587
does.  Standard library only.

Each request has a NAME: the HTTP path's last segment (/hook/flaky ->
flaky) or the local part of the SMTP recipient (flaky@example.org ->
flaky).  DIR/NAME.mode says how to answer, read at each attempt:

    absent or "ok"   accept
    "fail"           refuse for now (HTTP 500; SMTP 451 to RCPT TO)
    "reject"         refuse for good (HTTP 400; SMTP 550 to RCPT TO)
    N (a number)     refuse the next N attempts for now, then accept
    "slow S"         accept, answering after S seconds (HTTP only)

Every attempt is a line of DIR/attempts.jsonl: {"t": seconds, "name",
"ok", "id"} (id: the Idempotency-Key or X-Opcat-Reminder-Id when known).
Every accepted message is a line of DIR/received.jsonl: for HTTP {"name",
"path", "headers" (lower-case names), "body"}; for SMTP {"name",
"mail_from", "rcpt", "data"} (data with the dot-stuffing undone).

SMTP: the subset a client needs: 220 greeting, EHLO/HELO, MAIL FROM,
RCPT TO, DATA ... ".", RSET, NOOP, QUIT, and STARTTLS when offered.
"""
import http.server
import json
import os
import re
import socketserver
import ssl
import sys
import threading
import time

LOCK = threading.Lock()
DIR = "."
STARTTLS = None  # the server's ssl.SSLContext when it offers STARTTLS


def append(name, record):
    with LOCK:
        with open(os.path.join(DIR, name), "a", encoding="utf-8") as f:
            f.write(json.dumps(record, sort_keys=True) + "\n")


def decide(name):
    """"ok" to accept this attempt of NAME, "fail" or "reject" to refuse
    it for now or for good."""
    path = os.path.join(DIR, re.sub(r"[^A-Za-z0-9_.-]", "_", name) + ".mode")
    with LOCK:
        try:
            with open(path, encoding="utf-8") as f:
                mode = f.read().strip()
        except FileNotFoundError:
            return "ok"
        if mode in ("", "ok", "fail", "reject") or mode.startswith("slow "):
            return mode or "ok"
        left = int(mode)
        if left <= 0:
            return "ok"
        with open(path, "w", encoding="utf-8") as f:
            f.write(str(left - 1))
        return "fail"


def attempt(name, ok, ident):
    append("attempts.jsonl", {"t": time.time(), "name": name, "ok": ok,
                              "id": ident})


class HttpHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        name = self.path.rstrip("/").rsplit("/", 1)[-1]
        mode = decide(name)
        if mode.startswith("slow "):
            attempt(name, True, self.headers.get("Idempotency-Key"))
            time.sleep(float(mode.split()[1]))
            mode = "ok"
        else:
            attempt(name, mode == "ok", self.headers.get("Idempotency-Key"))
        ok = mode == "ok"
        if ok:
            headers = {k.lower(): v for k, v in self.headers.items()}
            append("received.jsonl", {"name": name, "path": self.path,
                                      "headers": headers, "body": body})
        answer = b'{"ok":true}' if ok else b'{"error":"sink told to fail"}'
        self.send_response({"ok": 200, "fail": 500, "reject": 400}[mode])
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


class SmtpHandler(socketserver.StreamRequestHandler):
    def reply(self, text):
        self.wfile.write(text.encode() + b"\r\n")
        self.wfile.flush()

    def read_data(self):
        lines = []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return None
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if line == ".":
                return "\r\n".join(lines) + "\r\n"
            lines.append(line[1:] if line.startswith(".") else line)

    def start_tls(self):
        """Switches the connection to TLS (RFC 3207) and forgets the
        session's state, as the client must say EHLO again."""
        self.reply("220 2.0.0 ready to start TLS")
        self.connection = STARTTLS.wrap_socket(self.connection,
                                               server_side=True)
        self.rfile = self.connection.makefile("rb")
        self.wfile = self.connection.makefile("wb")
        self.tls = True

    def handle(self):
        self.tls = False
        self.reply("220 localhost ntf_sink ESMTP")
        mail_from, rcpt = None, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line[:4].upper()
            if STARTTLS and line.upper() == "STARTTLS" and not self.tls:
                self.start_tls()
                mail_from, rcpt = None, []
            elif STARTTLS and not self.tls and verb in ("MAIL", "RCPT", "DATA"):
                self.reply("530 5.7.0 must issue a STARTTLS command first")
            elif verb == "EHLO":
                offer = "250-STARTTLS\r\n" if STARTTLS and not self.tls else ""
                self.reply("250-localhost\r\n" + offer +
                           "250-8BITMIME\r\n250 SIZE 1000000")
            elif verb == "HELO":
                self.reply("250 localhost")
            elif line.upper().startswith("MAIL FROM:"):
                # the address only, without ESMTP parameters (SIZE=...)
                mail_from, rcpt = line[10:].strip().split(" ")[0], []
                self.reply("250 OK")
            elif line.upper().startswith("RCPT TO:"):
                address = line[8:].strip().split(" ")[0].strip("<>")
                name = address.split("@", 1)[0]
                mode = decide(name)
                if mode == "ok":
                    rcpt.append(address)
                    self.reply("250 OK")
                elif mode == "fail":
                    attempt(name, False, None)
                    self.reply("451 4.3.0 sink told to fail, try later")
                else:
                    attempt(name, False, None)
                    self.reply("550 5.1.1 sink told to reject: no such user")
            elif verb == "DATA":
                if not rcpt:
                    self.reply("503 5.5.1 no valid recipients")
                    continue
                self.reply("354 end with <CRLF>.<CRLF>")
                data = self.read_data()
                if data is None:
                    return
                m = re.search(r"^X-Opcat-Reminder-Id: (\S+)", data, re.M)
                name = rcpt[0].split("@", 1)[0]
                attempt(name, True, m.group(1) if m else None)
                append("received.jsonl", {"name": name, "mail_from": mail_from,
                                          "rcpt": rcpt, "data": data})
                self.reply("250 2.0.0 queued")
                mail_from, rcpt = None, []
            elif verb == "RSET":
                mail_from, rcpt = None, []
                self.reply("250 OK")
            elif verb == "NOOP":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("502 5.5.2 not implemented")


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global DIR, STARTTLS
    kind = sys.argv[1] if len(sys.argv) > 1 else ""
    tls = kind in ("smtps", "https", "smtp+starttls")
    if len(sys.argv) != (5 if tls else 3) or kind not in (
            "smtp", "http", "smtps", "https", "smtp+starttls"):
        sys.exit("usage: ntf_sink.py smtp|http DIR | "
                 "smtps|https|smtp+starttls DIR CERT KEY")
    DIR = sys.argv[2]
    os.makedirs(DIR, exist_ok=True)
    handler = SmtpHandler if kind.startswith("smtp") else HttpHandler
    server = Server(("127.0.0.1", 0), handler)
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[3], sys.argv[4])
    if kind == "smtp+starttls":
        STARTTLS = context
    elif tls:
        # the handshake happens on accept; one that fails raises OSError
        # there, which socketserver drops, and the sink goes on
        server.socket = context.wrap_socket(server.socket, server_side=True)
    tmp = os.path.join(DIR, "port.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(str(server.server_address[1]))
    os.rename(tmp, os.path.join(DIR, "port"))
    server.serve_forever()


if __name__ == "__main__":
    main()
