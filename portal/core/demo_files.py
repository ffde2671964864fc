"""Small real files for the demo's documents: one-page PDFs and PNG site plans, made here, no assets needed.

They go through documents.services.create_document, so they are checked and stored like any upload.
"""

from __future__ import annotations

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.accounts.models import Organization
from portal.documents import services as documents
from portal.documents.models import Document
from portal.homes.models import Home
from portal.leases.models import Lease
from portal.locations.models import Location


def _pdf_text(text: str) -> str:
    text = text.encode("latin-1", "replace").decode("latin-1").replace("?", "-")
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(title: str, lines: list[str]) -> bytes:
    """A valid one-page PDF (Helvetica text) with a correct cross-reference table."""
    body = [f"BT /F1 18 Tf 72 720 Td ({_pdf_text(title)}) Tj ET"]
    body += [f"BT /F1 11 Tf 72 {690 - 18 * n} Td ({_pdf_text(line)}) Tj ET" for n, line in enumerate(lines)]
    stream = "\n".join(body)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def png_bytes(seed: int, width: int = 160, height: int = 100) -> bytes:
    """A site-plan-like PNG: a grid of lots on a light ground, with a street across; varied by ``seed``."""
    ground, lot, street = (236, 240, 228), (168, 196, 150), (120, 120, 128)
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")
        for x in range(width):
            if height // 2 - 4 <= y < height // 2 + 4:
                colour = street
            elif (x + seed) % 20 < 17 and (y % 24) < 20:
                colour = lot
            else:
                colour = ground
            row += bytes(colour)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows)))
            + chunk(b"IEND", b""))


def seed_documents(org: Organization) -> int:
    """The demo's documents (a fixed set, whatever the number of homes); returns how many were added."""
    existing = set(Document.objects.filter(organization=org).values_list("external_id", flat=True))
    made = 0

    def add(key: str, target: object, title: str, category: str, **source: object) -> None:
        nonlocal made
        if key in existing:
            return
        documents.create_document(org, target=target, title=title, category=category, external_id=key,
                                  **source)  # type: ignore[arg-type]
        made += 1

    masters = Location.objects.filter(organization=org, kind="master_community").order_by("external_id")
    for n, community in enumerate(masters):
        upload = SimpleUploadedFile(f"site-plan-{community.pk}.png", png_bytes(n * 7), content_type="image/png")
        add(f"DEMO-D-PLAN-{community.external_id}", community, f"Site plan: {community.name}", "plan", file=upload)
    for prop in Location.objects.filter(organization=org, kind="property").order_by("external_id"):
        add(f"DEMO-D-BROCHURE-{prop.external_id}", prop, f"{prop.name} amenities brochure", "other",
            external_url=f"https://example.com/brochures/{prop.external_id.lower()}")
    homes = list(Home.objects.filter(organization=org).order_by("external_id")[:20])
    for home in homes[:12]:
        pdf = pdf_bytes("Move-in inspection report", [home.full_address, "Condition: good", "Smoke alarms: tested",
                                                      "HVAC filter: replaced"])
        add(f"DEMO-D-INSP-{home.external_id}", home, f"Move-in inspection: {home.address_line1}", "inspection",
            file=SimpleUploadedFile("inspection.pdf", pdf, content_type="application/pdf"))
    for home in homes[12:20]:
        add(f"DEMO-D-WARRANTY-{home.external_id}", home, "Appliance warranty", "warranty",
            external_url=f"https://example.com/warranties/{home.external_id.lower()}")
    for lease in Lease.objects.filter(organization=org).select_related("home").order_by("external_id")[:10]:
        pdf = pdf_bytes("Residential lease agreement", [lease.home.full_address, f"Start: {lease.start_date}",
                                                        f"Monthly rent: ${lease.rent}"])
        add(f"DEMO-D-LEASE-{lease.external_id}", lease, "Signed lease agreement", "lease",
            file=SimpleUploadedFile("lease.pdf", pdf, content_type="application/pdf"))
    return made
