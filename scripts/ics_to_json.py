#!/usr/bin/env python3
"""Reads an iCalendar object on stdin, parses it with Python's icalendar (an independent
parser) and prints what it understood as JSON, for the Rust tests to compare with the input.
Exits non-zero if the parser reports any error."""
import json
import sys

import icalendar


def params(prop):
    return {k.upper(): str(v) for k, v in getattr(prop, "params", {}).items()}


def instant(component, name):
    prop = component.get(name)
    if prop is None:
        return None
    value = prop.dt
    if getattr(value, "tzinfo", None) is None or value.utcoffset().total_seconds() != 0:
        raise SystemExit(f"{name} is not a UTC date-time: {value!r}")
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def text(component, name):
    value = component.get(name)
    return None if value is None else str(value)


def main():
    raw = sys.stdin.buffer.read()
    cal = icalendar.Calendar.from_ical(raw)
    errors = []
    events = []
    for component in cal.walk():
        errors.extend(f"{component.name}: {e}" for e in getattr(component, "errors", []))
        if component.name != "VEVENT":
            continue
        organizer = component.get("ORGANIZER")
        attendees = component.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        events.append({
            "uid": text(component, "UID"),
            "sequence": int(component.get("SEQUENCE", -1)),
            "status": text(component, "STATUS"),
            "dtstamp": instant(component, "DTSTAMP"),
            "dtstart": instant(component, "DTSTART"),
            "dtend": instant(component, "DTEND"),
            "summary": text(component, "SUMMARY"),
            "description": text(component, "DESCRIPTION"),
            "location": text(component, "LOCATION"),
            "url": text(component, "URL"),
            "method_inside": "METHOD" in component,
            "organizer": None if organizer is None else {"value": str(organizer), **params(organizer)},
            "attendees": [{"value": str(a), **params(a)} for a in attendees],
        })
    if errors:
        raise SystemExit("icalendar reported errors: " + "; ".join(errors))
    print(json.dumps({
        "method": text(cal, "METHOD"),
        "prodid": text(cal, "PRODID"),
        "version": text(cal, "VERSION"),
        "calname": text(cal, "X-WR-CALNAME"),
        "events": events,
    }, ensure_ascii=False))


main()
