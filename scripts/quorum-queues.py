#!/usr/bin/env python3
"""Replaces Shop's queues on a RabbitMQ virtual host that differ from the quorum queues the services
now declare (a classic queue, or other arguments), moving the messages they hold across. RabbitMQ
refuses to redeclare a queue with another type or other arguments, so a broker that ran an older
Shop would otherwise keep the services from listening.
Usage: quorum-queues.py <management API URL> <user> <password> <virtual host>"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from base64 import b64encode

api, user, password, vhost = sys.argv[1:5]
dead_letters = "wolverine-dead-letter-queue"
# The arguments Wolverine declares (src/ServiceDefaults/Persistence/DeliveryGuarantees.cs): a queue
# declared here with others would be refused again when the service declares it.
arguments = {
    "x-queue-type": "quorum",
    "x-overflow": "reject-publish",
}
queues = {name: arguments for name in ["inventory", "payments", "ordering", "ordering.users", "notifications.orders", "notifications.users"]}
queues[dead_letters] = {"x-queue-type": "quorum"}
authorization = "Basic " + b64encode(f"{user}:{password}".encode()).decode()


def call(method, path, body=None):
    request = urllib.request.Request(f"{api}/{path}", method=method, data=None if body is None else json.dumps(body).encode(),
                                     headers={"Authorization": authorization, "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read()
        return json.loads(text) if text else None


def publish(queue, messages):
    for message in messages:
        properties = {k: val for k, val in message["properties"].items() if val is not None}
        answer = call("POST", f"exchanges/{v}/amq.default/publish",
                      {"routing_key": queue, "properties": properties, "payload": message["payload"], "payload_encoding": "base64"})
        if not answer.get("routed"):
            sys.exit(f"[infra] a message for {queue} was not routed; the others are still in {queue}")


v = urllib.parse.quote(vhost, safe="")
for name, declared in queues.items():
    path = f"queues/{v}/{urllib.parse.quote(name, safe='')}"
    try:
        queue = call("GET", path)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            continue
        raise
    if queue.get("type") == "quorum" and queue.get("arguments", {}) == declared:
        continue
    if queue.get("consumers", 0) > 0:
        sys.exit(f"[infra] queue {name} differs from what the services declare but has consumers: stop the shop first")
    # The queue's message count is a statistic refreshed every few seconds: ask for every message instead.
    # They are held in a queue of their own while the queue is declared anew, never only in this script.
    messages = call("POST", f"{path}/get", {"count": 1_000_000, "ackmode": "ack_requeue_true", "encoding": "base64"})
    holding = f"{name}.moving"
    holding_path = f"queues/{v}/{urllib.parse.quote(holding, safe='')}"
    call("PUT", holding_path, {"durable": True, "auto_delete": False, "arguments": {"x-queue-type": "quorum"}})
    publish(holding, messages)
    call("DELETE", path)
    call("PUT", path, {"durable": True, "auto_delete": False, "arguments": declared})
    publish(name, call("POST", f"{holding_path}/get", {"count": 1_000_000, "ackmode": "ack_requeue_true", "encoding": "base64"}))
    call("DELETE", holding_path)
    print(f"[infra] {queue.get('type')} queue {name} declared anew, {len(messages)} message(s) moved across", file=sys.stderr)
