from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from portal.core.actor import Actor, reset_actor, set_actor


class ActorMiddleware:
    """Names the signed-in user as the actor of every change made during the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        actor = Actor.for_user(user) if user is not None and user.is_authenticated else None
        token = set_actor(actor)
        try:
            return self.get_response(request)
        finally:
            reset_actor(token)
