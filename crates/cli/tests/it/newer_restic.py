"""Turns a restic repository into one a newer restic would have made: its
config, decrypted with the password given on standard input, is written
back with a repository version restic 0.14 does not know.

restic's format (doc/design.rst): a key file holds the master key, sealed
with a key made by scrypt from the password; every file is IV (16 bytes),
AES-256-CTR ciphertext, and a Poly1305-AES MAC of the ciphertext.

Usage: newer_restic.py REPOSITORY VERSION < password
"""

import base64
import json
import os
import pathlib
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.poly1305 import Poly1305


def mac(k, r, iv, data):
    encryptor = Cipher(algorithms.AES(k), modes.ECB()).encryptor()
    s = encryptor.update(iv) + encryptor.finalize()
    return Poly1305.generate_tag(r + s, data)


def open_sealed(keys, blob):
    enc, k, r = keys
    iv, data, tag = blob[:16], blob[16:-16], blob[-16:]
    if mac(k, r, iv, data) != tag:
        sys.exit("the password does not open this repository")
    decryptor = Cipher(algorithms.AES(enc), modes.CTR(iv)).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def seal(keys, plain):
    enc, k, r = keys
    iv = os.urandom(16)
    encryptor = Cipher(algorithms.AES(enc), modes.CTR(iv)).encryptor()
    data = encryptor.update(plain) + encryptor.finalize()
    return iv + data + mac(k, r, iv, data)


def main():
    repo = pathlib.Path(sys.argv[1])
    version = int(sys.argv[2])
    password = sys.stdin.readline().rstrip("\n").encode()
    key_file = next((repo / "keys").iterdir())
    sealed = json.loads(key_file.read_text())
    made = Scrypt(
        salt=base64.b64decode(sealed["salt"]),
        length=64,
        n=sealed["N"],
        r=sealed["r"],
        p=sealed["p"],
    ).derive(password)
    user = (made[:32], made[32:48], made[48:64])
    master = json.loads(open_sealed(user, base64.b64decode(sealed["data"])))
    keys = (
        base64.b64decode(master["encrypt"]),
        base64.b64decode(master["mac"]["k"]),
        base64.b64decode(master["mac"]["r"]),
    )
    config_file = repo / "config"
    config = json.loads(open_sealed(keys, config_file.read_bytes()))
    config["version"] = version
    config_file.chmod(0o600)
    config_file.write_bytes(seal(keys, json.dumps(config).encode()))
    config_file.chmod(0o400)


main()
