"""The one way every `kb` command prints JSON: UTF-8 as is, one object a line."""

from __future__ import annotations

import json


def print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False))
