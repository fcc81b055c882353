"""The import and export jobs' files: the encrypted store (core.files) under SMARTUNION_IMPORT_DIR."""

from smartunion.core.files import EncryptedFileStore, sha256_of

STORE = EncryptedFileStore("SMARTUNION_IMPORT_DIR", "imports")

storage_dir = STORE.storage_dir
store = STORE.store
delete = STORE.delete
open_stored = STORE.open

__all__ = ["STORE", "delete", "open_stored", "sha256_of", "storage_dir", "store"]
