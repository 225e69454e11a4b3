#!/usr/bin/env python3
"""Writes N DCSA JIT 1.2 timestamps as JSON lines for the ingestion benchmark.

Ten timestamps per port call at USLAX (a planned arrival, eight estimates issued a day apart,
an actual arrival), each published by the carrier so the call is announced by its first one.
Deterministic: the same N gives the same file.
"""
import json
import sys
from datetime import datetime, timedelta, timezone

def imo(n):
    six = [9] + [int(d) for d in f"{n % 100000:05d}"]
    check = sum(d * w for d, w in zip(six, [7, 6, 5, 4, 3, 2])) % 10
    return "".join(map(str, six)) + str(check)

def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    out = sys.stdout
    base = datetime(2026, 12, 1, tzinfo=timezone.utc)
    publisher = {"partyName": "Bench Line", "identifyingCodes": [{"DCSAResponsibleAgencyCode": "SMDG", "partyCode": "BNC"}]}
    for i in range(n):
        call, k = divmod(i, 10)
        arrival = base + timedelta(hours=call % 5000)
        if k == 0:
            classifier, at, issued = "PLN", arrival, arrival - timedelta(days=30)
        elif k < 9:
            classifier, at, issued = "EST", arrival + timedelta(minutes=7 * k), arrival - timedelta(days=10 - k)
        else:
            classifier, at, issued = "ACT", arrival + timedelta(minutes=50), arrival + timedelta(minutes=55)
        out.write(json.dumps({
            "publisher": publisher,
            "publisherRole": "CA",
            "vesselIMONumber": imo(call // 100),
            "carrierServiceCode": f"S{call % 50}",
            "carrierVoyageNumber": f"{call % 100:02d}{call // 100:05d}E",
            "UNLocationCode": "USLAX",
            "facilityTypeCode": "BRTH",
            "eventClassifierCode": classifier,
            "operationsEventTypeCode": "ARRI",
            "eventDateTime": at.isoformat(),
            "eventCreatedDateTime": issued.isoformat(),
        }, separators=(",", ":")))
        out.write("\n")

if __name__ == "__main__":
    main()
