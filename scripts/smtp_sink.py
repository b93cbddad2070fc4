#!/usr/bin/env python3
"""A real SMTP server for the mail tests (aiosmtpd on loopback). Usage:
smtp_sink.py PORT FOLDER. Each accepted message is written to FOLDER as N.eml (the exact
DATA bytes) and N.json (the envelope). Recipients whose local part is "busy" get a 451
(transient) reply, "nobody" a 550 (permanent) one. Prints "ready" when listening."""
import asyncio
import json
import os
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local == "busy":
            return "451 4.3.2 Try again later"
        if local == "nobody":
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        stem = os.path.join(self.folder, str(self.count))
        with open(stem + ".eml.partial", "wb") as f:
            f.write(envelope.original_content)
        with open(stem + ".json", "w") as f:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}, f)
        os.rename(stem + ".eml.partial", stem + ".eml")
        return "250 Message accepted"


async def main(port, folder):
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        controller.stop()


asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
