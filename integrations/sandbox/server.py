"""Serve several vendor sandboxes on one 127.0.0.1 port, each under its prefix, in a background thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Response

from integrations.sandbox.app import SandboxApp


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:  # one line per request drowns the output
        pass


def _not_found(environ: dict, start_response):  # type: ignore[no-untyped-def]
    return Response('{"message":"no sandbox here"}', status=404, content_type="application/json")(
        environ, start_response
    )


@dataclass
class SandboxServer:
    server: BaseWSGIServer
    apps: dict[str, SandboxApp]
    thread: threading.Thread = field(repr=False)

    @property
    def port(self) -> int:
        return self.server.server_port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url_for(self, prefix: str) -> str:
        """The base URL of the sandbox mounted at ``prefix`` (e.g. "/buildium")."""
        return self.url + "/" + prefix.strip("/")

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        for app in self.apps.values():
            app.webhooks.stop()


def serve(
    apps: dict[str, SandboxApp], host: str = "127.0.0.1", port: int = 0, quiet: bool = True
) -> SandboxServer:
    """Start a threaded server for ``apps`` ({prefix: app}); port 0 picks a free one. Returns at once."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("Sandboxes bind to the loopback interface only.")
    mounts = {"/" + prefix.strip("/"): app for prefix, app in apps.items()}
    root = mounts.pop("/", None)  # an app mounted at "/" is the fallback, not a prefix
    wsgi = DispatcherMiddleware(root or _not_found, mounts)
    if root is not None:
        mounts["/"] = root
    server = make_server(host, port, wsgi, threaded=True, request_handler=_QuietHandler if quiet else None)
    thread = threading.Thread(target=server.serve_forever, name=f"sandbox:{server.server_port}", daemon=True)
    thread.start()
    return SandboxServer(server=server, apps=mounts, thread=thread)


def available_apps(seed: int = 0, **options: object) -> dict[str, SandboxApp]:
    """One sandbox per available plug-in, keyed by its prefix."""
    from integrations import registry

    apps: dict[str, SandboxApp] = {}
    for plugin in registry.available().values():
        try:
            app = plugin.sandbox_app(**options)
        except NotImplementedError:
            continue
        if seed:
            app.seed(seed)
        apps[plugin.prefix()] = app
    return apps
