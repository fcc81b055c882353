"""Form helpers shared by every app."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


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
