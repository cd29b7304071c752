"""A real SMTP server for the work service's tests (aiosmtpd): every message it receives is
written, decoded, as one JSON line {to, subject, body} to the file given, and its port is
printed once it listens. Usage: python3 smtp_sink.py <port> <file>"""
import email
import json
import sys
import threading
from email import policy

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, path):
        self.path = path

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",)).get_content()
        line = {"to": envelope.rcpt_tos, "from": str(message["from"]), "subject": str(message["subject"]), "body": body}
        with open(self.path, "a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        return "250 OK"


controller = Controller(Sink(sys.argv[2]), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("listening", flush=True)
threading.Event().wait()
