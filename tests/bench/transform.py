#!/usr/bin/env python3
"""transform.py - the baseline finsync's transform is measured against.

A plain Python 3 transform of staged CRM accounts (extract/accounts.ndjson.gz)
into Zoho Books customer payloads: the default field mapping of
src/xform/mapping.c (as tests/bench/transform.jq does it), the customer type
(business with a name, else individual), a duplicate check on the
normalised name (NFKC, case folded, white space collapsed) in a dict, and
one line of gzip -1 NDJSON per record, as finsync writes them.

    python3 tests/bench/transform.py IN.ndjson.gz OUT.ndjson.gz

Prints "records N duplicates D" on stderr.  Standard library only.
"""
import gzip
import json
import sys
import unicodedata


def norm(name):
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def clean(d):
    return {k: v for k, v in d.items() if v is not None}


def main():
    src, dst = sys.argv[1], sys.argv[2]
    seen = {}
    n = dups = 0
    with gzip.open(src, "rt", encoding="utf-8") as fin, \
            gzip.open(dst, "wt", encoding="utf-8", compresslevel=1) as fout:
        for line in fin:
            r = json.loads(line)
            name = r.get("Account_Name") or ""
            payload = clean({
                "contact_name": name,
                "company_name": name,
                "website": r.get("Website"),
                "notes": r.get("Description"),
                "contact_type": "customer",
                "customer_sub_type": "business" if name else "individual",
                "billing_address": clean({
                    "address": r.get("Billing_Street"), "city": r.get("Billing_City"),
                    "state": r.get("Billing_State"), "zip": r.get("Billing_Code"),
                    "country": r.get("Billing_Country"), "phone": r.get("Phone")}),
                "shipping_address": clean({
                    "address": r.get("Shipping_Street"), "city": r.get("Shipping_City"),
                    "state": r.get("Shipping_State"), "zip": r.get("Shipping_Code"),
                    "country": r.get("Shipping_Country")}),
                "custom_fields": [{"api_name": "cf_crm_id", "value": r["id"]}]
                + ([{"api_name": "cf_industry", "value": r["Industry"]}] if r.get("Industry") else []),
            })
            key = norm(name)
            first = seen.get(key)
            if first is None:
                seen[key] = r["id"]
                action, reason = "create", None
            else:
                dups += 1
                action, reason = "skip", "duplicate of CRM record %s matched by name" % first
            out = {"entity": "customers", "crm_module": "Accounts", "crm_id": r["id"], "name": name,
                   "action": action, "match": "name" if reason else "", "reason": reason,
                   "duplicate": reason is not None, "payload": payload}
            fout.write(json.dumps(out, ensure_ascii=False, separators=(",", ":")))
            fout.write("\n")
            n += 1
    print("records %d duplicates %d" % (n, dups), file=sys.stderr)


if __name__ == "__main__":
    main()
