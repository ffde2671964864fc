"""Request body parsers that refuse oversized or malformed bodies with a 400 that says what is wrong."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from portal.api.errors import RequestTooLarge, human_size

# Room for the multipart envelope and the text fields around an upload of the largest allowed file.
MULTIPART_OVERHEAD = 64 * 1024


def _declared_length(parser_context: dict[str, Any] | None) -> int:
    request = (parser_context or {}).get("request")
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) if request is not None else 0
    except ValueError:
        return 0


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


class JSONParser(parsers.JSONParser):
    """Strict JSON: at most DATA_UPLOAD_MAX_MEMORY_SIZE bytes, UTF-8, no NaN/Infinity."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if _declared_length(parser_context) > limit:
            raise RequestTooLarge(f"The JSON body is {human_size(_declared_length(parser_context))}; "
                                  f"the limit is {human_size(limit)}.")
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise RequestTooLarge(f"The JSON body is larger than {human_size(limit)}.")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(f"The body is not UTF-8 (byte {exc.start}).") from None
        try:
            return json.loads(text, parse_constant=_refuse_constant)
        except ValueError as exc:
            where = f" at line {exc.lineno}, column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise ParseError(f"Malformed JSON{where}: {reason}.") from None


class MultiPartParser(parsers.MultiPartParser):
    """Uploads: refused before reading when the declared size cannot hold an allowed file."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        limit = settings.DOCUMENT_MAX_BYTES + MULTIPART_OVERHEAD
        if _declared_length(parser_context) > limit:
            raise RequestTooLarge(
                f"The upload is {human_size(_declared_length(parser_context))}; files may be at most "
                f"{human_size(settings.DOCUMENT_MAX_BYTES)}."
            )
        return super().parse(stream, media_type, parser_context)
