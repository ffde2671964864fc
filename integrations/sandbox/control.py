"""The /__sandbox__/ control API: tests, the demo and the benchmarks steer a running sandbox over HTTP.

  POST /__sandbox__/reset                      empty the store, clear faults and stats
  POST /__sandbox__/seed        {"n": 100}     generate records
  GET|POST /__sandbox__/faults  {...}          read / set faults (see faults.Faults), {"clear": true} clears
  GET  /__sandbox__/stats                      request counts, 429s sent, faults injected, per-path counts
  POST /__sandbox__/rate        {"requests": 10, "per_seconds": 1} or {"enabled": false}
  POST /__sandbox__/webhooks    {"url": "...", "secret": "..."} (url null: stop sending)
  GET  /__sandbox__/records/<collection>          every record
  POST /__sandbox__/records/<collection>/<id>     change a record "at the vendor" (vendor's mutate hook)
  DELETE /__sandbox__/records/<collection>/<id>   delete it "at the vendor"
"""

from __future__ import annotations

import json
from typing import Any

from werkzeug.wrappers import Request, Response


class ControlMixin:
    def control(self: Any, request: Request) -> Response:
        parts = [p for p in request.path.split("/") if p][1:]
        try:
            data = json.loads(request.get_data(as_text=True) or "{}")
        except ValueError:
            return self.json({"error": "body is not JSON"}, 400)
        action = parts[0] if parts else ""
        if action == "reset" and request.method == "POST":
            self.store.reset()
            self.faults.clear()
            with self._stats_lock:
                self.stats.clear()
            self.on_reset()
            return self.json({"ok": True})
        if action == "seed" and request.method == "POST":
            self.seed(int(data.get("n", 0)))
            return self.json({"ok": True, "collections": self.store.collections()})
        if action == "faults":
            if request.method == "POST":
                self.faults.clear() if data.get("clear") else self.faults.configure(data)
            return self.json(self.faults.as_dict())
        if action == "stats":
            with self._stats_lock:
                stats = dict(self.stats)
            stats["webhooks_sent"] = self.webhooks.sent
            stats["webhooks_failed"] = self.webhooks.failed
            return self.json(stats)
        if action == "rate" and request.method == "POST":
            return self._control_rate(data)
        if action == "webhooks" and request.method == "POST":
            url = data.get("url")
            self.webhook_targets = [url] if url else []
            if "secret" in data:
                self.webhook_secret = data["secret"] or ""
            return self.json({"targets": self.webhook_targets})
        if action == "records" and len(parts) >= 2:
            return self._control_records(request, parts[1:], data)
        return self.json({"error": f"unknown control {request.method} {request.path}"}, 404)

    def on_reset(self) -> None:
        """Vendors reset anything beyond the store here."""

    def _control_rate(self: Any, data: dict[str, Any]) -> Response:
        from integrations.sandbox.faults import SlidingWindow

        if data.get("enabled") is False:
            self.window = None
        else:
            spec = self.rate_limit
            requests = int(data.get("requests") or (spec.requests if spec else 10))
            per = float(data.get("per_seconds") or (spec.per_seconds if spec else 1.0))
            self.window = SlidingWindow(requests, per)
        enabled = self.window is not None
        return self.json({"enabled": enabled, "requests": self.window.requests if enabled else None,
                          "per_seconds": self.window.per_seconds if enabled else None})

    def _control_records(self: Any, request: Request, parts: list[str], data: dict[str, Any]) -> Response:
        collection = parts[0]
        if len(parts) == 1 and request.method == "GET":
            return self.json(self.store.all(collection))
        if len(parts) == 2 and request.method == "POST":
            record = self.mutate(collection, parts[1], data)
            return self.json(record) if record is not None else self.json({"error": "no such record"}, 404)
        if len(parts) == 2 and request.method == "DELETE":
            gone = self.remove(collection, parts[1])
            return self.json({"deleted": gone}, 200 if gone else 404)
        return self.json({"error": "unknown records control"}, 404)
