"""Form helpers shared by every app."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.functional import lazy

from smartunion.core import uploads

#: A date picker; its value must be ISO (YYYY-MM-DD) whatever the locale's own format.
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def blank_choices(choices) -> list[tuple[str, str]]:
    """A code list for a select, with "请选择" first."""
    return [("", "请选择")] + list(choices)


class UnionIdField(forms.IntegerField):
    """A union chosen by its id. A case's timeline shows the union it names by its name and
    its place in the tree (``Organization.path_display``), never by the bare id."""


class MoneyField(forms.CharField):
    """Yuan as typed (the service parses it: Decimal, two places, never a float)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(inputmode="decimal", autocomplete="off", placeholder="0.00")


def validation_messages(
    exc: ValidationError, labels: dict[str, str] | None = None
) -> list[dict[str, str]]:
    """A ValidationError as [{"field", "message"}], the message naming the field in Chinese."""
    labels = labels or {}
    out: list[dict[str, str]] = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for message in errors:
                name = "" if field == NON_FIELD_ERRORS else field
                label = labels.get(name, "")
                out.append(
                    {
                        "field": name,
                        "message": f"{label}：{message}"
                        if label and not message.startswith(label)
                        else message,
                    }
                )
    else:
        out.extend({"field": "", "message": m} for m in exc.messages)
    return out


def apply_service_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError onto a bound form, field by field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            target = field if field in form.fields else None
            for message in errors:
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def call_service(form, call):
    """``call()`` (a service's write) for a valid form: its result, or None when the service
    refused, its messages then on ``form`` field by field (the view answers ``form_invalid``)."""
    try:
        return call()
    except ValidationError as exc:
        apply_service_errors(form, exc)
        return None


class UploadField(forms.FileField):
    """A file field that knows the upload limit (``SMARTUNION_UPLOAD_MAX_MB``, or a lower
    ``max_bytes`` of its own): its help text says it, the browser is told it
    (``data-max-bytes``, so the page can warn before sending), and a file refused for its size
    while streaming in (``core.uploads``) is an error on this field."""

    def __init__(self, *, max_bytes: int | None = None, help_text: str = "", **kwargs):
        self.max_bytes = max_bytes
        super().__init__(help_text=_with_limit(help_text, max_bytes), **kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["data-max-bytes"] = lazy(self.limit, str)()
        return attrs

    def limit(self) -> int:
        return min(filter(None, (self.max_bytes, uploads.max_upload_bytes())))

    def to_python(self, data):
        if isinstance(data, uploads.RefusedUpload):
            raise ValidationError(uploads.too_big_message(self.limit()), code="too_big")
        upload = super().to_python(data)
        if upload is not None and upload.size > self.limit():
            raise ValidationError(uploads.too_big_message(self.limit()), code="too_big")
        return upload


def _help_with_limit(help_text: str, max_bytes: int | None) -> str:
    limit = uploads.limit_text(min(filter(None, (max_bytes, uploads.max_upload_bytes()))))
    return f"{help_text}文件不超过{limit}。" if help_text else f"文件不超过{limit}。"


_with_limit = lazy(_help_with_limit, str)
