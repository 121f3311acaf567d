"""Indonesian phone numbers, stored in one form: +62 followed by the national number."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PHONE_PATTERN = r"^\+62[1-9][0-9]{7,12}$"
_SEPARATORS = re.compile(r"[\s\-().]")


def normalize_phone(raw: str) -> str:
    """'0812-3456-7890', '62812…', '+62 812…' → '+6281234567890'; '' stays ''."""
    value = _SEPARATORS.sub("", raw or "")
    if value == "":
        return ""
    if value.startswith("+62"):
        national = value[3:]
    elif value.startswith("62"):
        national = value[2:]
    elif value.startswith("0"):
        national = value[1:]
    else:
        national = value
    normalized = f"+62{national}"
    if not re.fullmatch(PHONE_PATTERN, normalized):
        raise ValidationError(
            _("Nomor telepon tidak valid: %(raw)s. Contoh: 0812 3456 7890."),
            params={"raw": raw},
            code="invalid_phone",
        )
    return normalized
