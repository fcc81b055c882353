"""The upload size limit, checked while a file streams in, before any of it is written.

``SMARTUNION_UPLOAD_MAX_MB`` (default 50) bounds every file uploaded through a page or the API.
``SizeLimitUploadHandler`` is Django's first upload handler (settings.FILE_UPLOAD_HANDLERS):

- when the request's Content-Length already exceeds the limit (plus room for the form's other
  fields), the file is refused before a byte of it is read: the handlers after this one (the
  memory buffer, the temporary file) never see it;
- otherwise the bytes are counted as they arrive, and once they pass the limit the rest is
  discarded, and whatever the later handler had buffered is closed (a temporary file is
  deleted).

Either way nothing reaches the encrypted store: the form field (``core.forms.UploadField``) or
the service (``check_upload``) finds a ``RefusedUpload`` in its place and answers with the
limit in Chinese, on the file's field, like any other bad input. The request is still read to
its end, so that the browser receives the answer instead of a reset connection; a front proxy
(nginx ``client_max_body_size``) should refuse anything far bigger (docs/operator-guide.md).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers

# Room for a form's other fields in a multipart body beside its file (Django refuses more than
# DATA_UPLOAD_MAX_MEMORY_SIZE of them anyway).
FORM_ROOM = 1024 * 1024


def max_upload_bytes() -> int:
    return int(settings.SMARTUNION_UPLOAD_MAX_MB) * 1024 * 1024


def limit_text(max_bytes: int | None = None) -> str:
    """The limit as people read it: "50 MB"."""
    size = max_upload_bytes() if max_bytes is None else max_bytes
    return f"{size / 1024 / 1024:g} MB"


def too_big_message(max_bytes: int | None = None) -> str:
    return f"文件超过{limit_text(max_bytes)}的上限，没有保存；请拆分或压缩后再上传。"


class RefusedUpload(UploadedFile):
    """In place of a file refused for its size: empty, with the size that was refused."""

    def __init__(self, name: str, size: int, content_type: str | None):
        super().__init__(io.BytesIO(b""), name, content_type, size)

    @property
    def message(self) -> str:
        return too_big_message()


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts each uploaded file's bytes and refuses one above ``max_upload_bytes()``."""

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.limit = max_upload_bytes()
        self.request_length = content_length or 0
        self.request_too_big = self.request_length > self.limit + FORM_ROOM
        return None

    def new_file(self, field_name, file_name, content_type, content_length, *args, **kwargs):
        super().new_file(field_name, file_name, content_type, content_length, *args, **kwargs)
        self.received = 0
        self.refused = self.request_too_big or (content_length or 0) > self.limit
        if self.refused:
            raise StopFutureHandlers  # no later handler opens a buffer or a temporary file

    def receive_data_chunk(self, raw_data, start):
        if self.refused:
            return None
        self.received += len(raw_data)
        if self.received > self.limit:
            self.refused = True
            self._drop_later_buffers()
            return None
        return raw_data

    def file_complete(self, file_size):
        if self.refused:
            return RefusedUpload(
                self.file_name, max(self.received, self.request_length), self.content_type
            )
        return None

    def _drop_later_buffers(self) -> None:
        handlers = list(getattr(self.request, "upload_handlers", []))
        for handler in handlers[handlers.index(self) + 1 :] if self in handlers else []:
            buffered = getattr(handler, "file", None)
            if buffered is not None:
                buffered.close()  # a TemporaryUploadedFile deletes its file on close


def check_upload(upload, field: str = "file", max_bytes: int | None = None) -> None:
    """For services taking an upload: a refused one (or one above ``max_bytes``) is a
    ValidationError on ``field``."""
    if isinstance(upload, RefusedUpload):
        raise ValidationError({field: upload.message})
    if max_bytes is not None and (getattr(upload, "size", None) or 0) > max_bytes:
        raise ValidationError({field: too_big_message(max_bytes)})
