"""The connection form, built from the plug-in's own credential and config fields (credentials write-only)."""

from __future__ import annotations

from typing import Any

from django import forms

from integrations.contract import ConfigField, Plugin
from integrations.models import Connection

CRED_PREFIX = "cred__"
OPT_PREFIX = "opt__"


def _field(spec: ConfigField, *, credential: bool, editing: bool) -> forms.Field:
    required = spec.required and not (credential and editing)
    help_text = spec.help
    if credential:
        help_text = (help_text + " " if help_text else "") + (
            "Stored encrypted and never shown again." + (" Leave blank to keep the current value." if editing else "")
        )
        widget = forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"})
        return forms.CharField(label=spec.label, required=required, help_text=help_text, widget=widget)
    if spec.kind == "bool":
        return forms.BooleanField(label=spec.label, required=False, help_text=help_text)
    if spec.kind == "int":
        return forms.IntegerField(label=spec.label, required=required, help_text=help_text)
    if spec.kind == "float":
        return forms.FloatField(label=spec.label, required=required, help_text=help_text)
    if spec.kind == "choice":
        return forms.ChoiceField(label=spec.label, required=required, help_text=help_text, choices=spec.choices)
    return forms.CharField(label=spec.label, required=required, help_text=help_text)


class ConnectionForm(forms.Form):
    name = forms.CharField(max_length=100)
    base_url = forms.URLField(label="Base URL", max_length=300, assume_scheme="https")
    streams = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=False,
                                        help_text="Leave all unchecked to sync every stream.")
    schedule_minutes = forms.IntegerField(label="Sync every (minutes)", min_value=0, initial=15,
                                          help_text="0 turns scheduled syncs off (sync now still works).")
    rate_requests = forms.IntegerField(label="Rate limit: requests", min_value=1, required=False,
                                       help_text="Blank: the vendor's documented limit.")
    rate_seconds = forms.FloatField(label="… per seconds", min_value=0.001, required=False)

    def __init__(self, plugin: Plugin, *args: Any, instance: Connection | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plugin, self.instance = plugin, instance
        editing = instance is not None
        self.fields["streams"].choices = [(s.name, f"{s.name} ({s.direction})") for s in plugin.streams()]
        self.fields["base_url"].initial = plugin.default_base_url
        for spec in plugin.credential_fields:
            self.fields[CRED_PREFIX + spec.name] = _field(spec, credential=True, editing=editing)
        for spec in plugin.config_fields:
            self.fields[OPT_PREFIX + spec.name] = _field(spec, credential=False, editing=editing)
            self.fields[OPT_PREFIX + spec.name].initial = spec.default
        if instance is not None:
            config = instance.config or {}
            rate = config.get("rate_limit") or {}
            self.initial.update({
                "name": instance.name, "base_url": instance.base_url, "streams": config.get("streams") or [],
                "schedule_minutes": config.get("schedule_minutes", 15),
                "rate_requests": rate.get("requests"), "rate_seconds": rate.get("per_seconds"),
                **{OPT_PREFIX + k: v for k, v in instance.options.items()},
            })

    def credential_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(CRED_PREFIX)]

    def option_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(OPT_PREFIX)]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("rate_requests")) != bool(data.get("rate_seconds")):
            raise forms.ValidationError("Give both parts of the rate limit, or neither.")
        return data

    def save(self, organization: Any) -> Connection:
        data = self.cleaned_data
        connection = self.instance or Connection(organization=organization, vendor=self.plugin.key)
        connection.name, connection.base_url = data["name"], data["base_url"]
        config = dict(connection.config or {})
        config["streams"] = data["streams"] or None
        if not config["streams"]:
            config.pop("streams")
        config["schedule_minutes"] = data["schedule_minutes"]
        if data.get("rate_requests"):
            config["rate_limit"] = {"requests": data["rate_requests"], "per_seconds": data["rate_seconds"]}
        else:
            config.pop("rate_limit", None)
        config["options"] = {name[len(OPT_PREFIX):]: data[name] for name in self.fields if name.startswith(OPT_PREFIX)}
        connection.config = config
        connection.set_credentials({n[len(CRED_PREFIX):]: data[n] for n in self.fields if n.startswith(CRED_PREFIX)})
        connection.save()
        return connection
