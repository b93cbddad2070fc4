#!/usr/bin/env python3
"""Reads an RFC 5322 message on stdin, parses it with Python's email package (an
independent MIME parser) and prints its structure as JSON: decoded headers, and per part
the content type, its parameters, the disposition, the file name and the decoded body."""
import email
import email.policy
import json
import sys


def part_json(part):
    node = {
        "content_type": part.get_content_type(),
        "params": {k.lower(): v for k, v in part.get_params(header="content-type")[1:]}
        if part.get_params(header="content-type") else {},
        "disposition": part.get_content_disposition(),
        "filename": part.get_filename(),
    }
    if part.is_multipart():
        node["parts"] = [part_json(p) for p in part.iter_parts()]
    else:
        payload = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        node["body"] = payload.decode(charset)
    return node


def main():
    message = email.message_from_bytes(sys.stdin.buffer.read(), policy=email.policy.default)
    defects = [str(d) for p in message.walk() for d in p.defects]
    if defects:
        raise SystemExit("MIME defects: " + "; ".join(defects))
    print(json.dumps({
        "subject": str(message["Subject"]),
        "from": str(message["From"]),
        "to": str(message["To"]),
        "to_addresses": [[a.display_name, a.addr_spec] for a in message["To"].addresses],
        "reply_to": str(message["Reply-To"]) if message["Reply-To"] else None,
        "message_id": str(message["Message-ID"]),
        "date": str(message["Date"]),
        "mime_version": str(message["MIME-Version"]),
        "root": part_json(message),
    }, ensure_ascii=False))


main()
