"""Encryption at rest and blind indexes (core.crypto): SM4 and AES, rotation, tampering."""

import base64
import hmac as std_hmac
import os

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

from smartunion.core import crypto

KEY_A = os.urandom(32)
KEY_B = os.urandom(32)
INDEX_KEY = os.urandom(32)
NUMBER = "620102199005171234"


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@pytest.fixture
def use_keys(settings):
    """Configure the keyring for one test; the previous keys come back afterwards."""

    def configure(spec: str, algorithm: str = "sm4", index_key: bytes = INDEX_KEY):
        settings.SMARTUNION_CRYPTO = algorithm
        settings.SMARTUNION_PII_KEYS = spec
        settings.SMARTUNION_INDEX_KEY = b64(index_key)
        crypto.keyring.cache_clear()
        return crypto.keyring()

    yield configure
    crypto.keyring.cache_clear()


@pytest.mark.parametrize("algorithm", ["sm4", "aes"])
def test_a_value_survives_the_round_trip(use_keys, algorithm):
    use_keys(f"k1:{b64(KEY_A)}", algorithm)
    token = crypto.encrypt(NUMBER)
    assert crypto.decrypt(token) == NUMBER
    assert crypto.decrypt(crypto.encrypt("甘肃省兰州市")) == "甘肃省兰州市"


@pytest.mark.parametrize("algorithm", ["sm4", "aes"])
def test_the_ciphertext_names_its_key_and_hides_the_value(use_keys, algorithm):
    use_keys(f"k1:{b64(KEY_A)}", algorithm)
    first, second = crypto.encrypt(NUMBER), crypto.encrypt(NUMBER)
    assert first.startswith("k1$") and crypto.key_id_of(first) == "k1"
    assert first != second  # a fresh nonce every time: equal values are not linkable
    # The number's bytes appear nowhere, neither in the token nor in its decoded bytes. (Not its
    # last four digits in the hex: 92 random hex digits hold "1234" about once in 700 runs.)
    raw = base64.b64decode(first.partition("$")[2])
    assert NUMBER not in first and NUMBER.encode() not in raw
    assert len(raw) == 12 + len(NUMBER) + 16  # nonce, body, tag: nothing else is carried


def test_sm4_tokens_are_sm4_gcm_under_the_first_16_bytes_of_the_key(use_keys):
    use_keys(f"k1:{b64(KEY_A)}", "sm4")
    raw = base64.b64decode(crypto.encrypt(NUMBER).partition("$")[2])
    nonce, body, tag = raw[:12], raw[12:-16], raw[-16:]
    dec = Cipher(algorithms.SM4(KEY_A[:16]), modes.GCM(nonce, tag)).decryptor()
    assert (dec.update(body) + dec.finalize()).decode() == NUMBER


def test_aes_tokens_are_aes_256_gcm(use_keys):
    use_keys(f"k1:{b64(KEY_A)}", "aes")
    raw = base64.b64decode(crypto.encrypt(NUMBER).partition("$")[2])
    assert AESGCM(KEY_A).decrypt(raw[:12], raw[12:], None).decode() == NUMBER


def test_after_rotation_old_values_still_decrypt_and_new_ones_use_the_new_key(use_keys):
    use_keys(f"k1:{b64(KEY_A)}")
    old = crypto.encrypt(NUMBER)
    ring = use_keys(f"k2:{b64(KEY_B)},k1:{b64(KEY_A)}")
    assert ring.current_id == "k2"
    assert crypto.decrypt(old) == NUMBER
    new = crypto.encrypt(NUMBER)
    assert crypto.key_id_of(new) == "k2" and crypto.decrypt(new) == NUMBER


def test_a_retired_key_id_is_refused(use_keys):
    use_keys(f"k1:{b64(KEY_A)}")
    old = crypto.encrypt(NUMBER)
    use_keys(f"k2:{b64(KEY_B)}")
    with pytest.raises(crypto.DecryptionError, match="unknown key id"):
        crypto.decrypt(old)


@pytest.mark.parametrize("algorithm", ["sm4", "aes"])
def test_any_changed_byte_is_detected(use_keys, algorithm):
    use_keys(f"k1:{b64(KEY_A)}", algorithm)
    raw = bytearray(base64.b64decode(crypto.encrypt(NUMBER).partition("$")[2]))
    for position in (0, 12, len(raw) // 2, len(raw) - 1):  # nonce, body, tag
        forged = bytearray(raw)
        forged[position] ^= 0x01
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt("k1$" + b64(bytes(forged)))


def test_a_value_relabelled_with_another_key_id_is_refused(use_keys):
    use_keys(f"k2:{b64(KEY_B)},k1:{b64(KEY_A)}")
    token = crypto.encrypt(NUMBER)  # under k2
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("k1$" + token.partition("$")[2])


def test_garbage_is_refused_not_crashed_on(use_keys):
    use_keys(f"k1:{b64(KEY_A)}")
    for token in ("k1$not base64!", "k1$", "k1$" + b64(b"short")):
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(token)


def test_sm4_ciphertext_does_not_open_under_aes(use_keys):
    use_keys(f"k1:{b64(KEY_A)}", "sm4")
    token = crypto.encrypt(NUMBER)
    use_keys(f"k1:{b64(KEY_A)}", "aes")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


def test_the_blind_index_is_hmac_sm3_by_default(use_keys):
    use_keys(f"k1:{b64(KEY_A)}", "sm4")
    mac = crypto_hmac.HMAC(INDEX_KEY, hashes.SM3())
    mac.update(b"id:" + NUMBER.encode())
    assert crypto.blind_index("id:" + NUMBER) == mac.finalize().hex()
    # The keyed state is reused between calls: a second value gets its own HMAC.
    other = crypto_hmac.HMAC(INDEX_KEY, hashes.SM3())
    other.update(b"phone:13800138000")
    assert crypto.blind_index("phone:13800138000") == other.finalize().hex()


def test_the_blind_index_is_hmac_sha256_with_aes(use_keys):
    use_keys(f"k1:{b64(KEY_A)}", "aes")
    expected = std_hmac.new(INDEX_KEY, b"id:" + NUMBER.encode(), "sha256").hexdigest()
    assert crypto.blind_index("id:" + NUMBER) == expected


def test_the_blind_index_is_stable_and_depends_on_the_key(use_keys):
    use_keys(f"k1:{b64(KEY_A)}")
    first = crypto.blind_index("id:" + NUMBER)
    assert first == crypto.blind_index("id:" + NUMBER) and len(first) == 64
    assert first != crypto.blind_index("id:620102199005171235")
    use_keys(f"k1:{b64(KEY_A)}", index_key=os.urandom(32))
    assert crypto.blind_index("id:" + NUMBER) != first
    # Rotating the encryption keys does not move the index (lookups keep working).
    use_keys(f"k2:{b64(KEY_B)},k1:{b64(KEY_A)}")
    assert crypto.blind_index("id:" + NUMBER) == first


# Each case is named by its message: the specs hold random keys, which would name the tests
# differently in each pytest-xdist worker.
@pytest.mark.parametrize(
    "spec, message",
    [
        pytest.param(spec, message, id=message)
        for spec, message in [
            ("", "empty"),
            ("k1" + b64(KEY_A), "id:base64key"),
            (f"k1:{b64(os.urandom(16))}", "32 random bytes"),
            ("k1:@@@", "not valid base64"),
            (f"k1:{b64(KEY_A)},k1:{b64(KEY_B)}", "repeated key id"),
            (f"k-1:{b64(KEY_A)}", "bad or repeated key id"),
        ]
    ],
)
def test_bad_key_settings_fail_loudly(use_keys, spec, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        use_keys(spec)


def test_a_short_index_key_fails_loudly(use_keys):
    with pytest.raises(ImproperlyConfigured, match="SMARTUNION_INDEX_KEY"):
        use_keys(f"k1:{b64(KEY_A)}", index_key=os.urandom(16))
