# Python 3.8+: sign a webhook request for n8n's "Verify Shop Webhook" node.
import hashlib
import hmac
import json
import time
import urllib.request


def send_to_n8n(webhook_url: str, secret: str, event: dict):
    raw_body = json.dumps(event).encode("utf-8")  # sign exactly the bytes you send
    timestamp = str(int(time.time()))
    signature = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + raw_body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(
        webhook_url,
        data=raw_body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Shop-Timestamp": timestamp,
            "X-Shop-Signature": "sha256=" + signature,
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status, answer.read()
