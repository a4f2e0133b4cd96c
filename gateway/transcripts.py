"""Golden transcripts: a conversation as data (dial, inputs, expected screens), channel-neutral.

```yaml
name: balance check
phone: "+6281220150101"
turns:
  - input: ""            # the dial
    screen: "Selamat datang ..."
    end: false
    sms:                 # optional: every SMS the outbox holds for the phone after this turn
      - "Bank Desa: ..."
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class _BlockDumper(yaml.SafeDumper):
    """Screens with several lines read best as YAML block scalars."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _text)


@dataclass
class Turn:
    input: str
    screen: str
    end: bool = False
    sms: list[str] | None = None
    """None: not checked. A list: the bodies the outbox holds for the phone after the turn, oldest first."""

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"input": self.input, "screen": self.screen, "end": self.end}
        if self.sms is not None:
            data["sms"] = list(self.sms)
        return data


@dataclass
class Transcript:
    name: str
    phone: str
    turns: list[Turn] = field(default_factory=list)
    lang: str | None = None
    service_code: str = "*123#"
    setup: dict[str, Any] = field(default_factory=dict)

    def to_yaml(self) -> str:
        data: dict[str, Any] = {"name": self.name, "phone": self.phone, "service_code": self.service_code}
        if self.lang:
            data["lang"] = self.lang
        if self.setup:
            data["setup"] = self.setup
        data["turns"] = [t.as_dict() for t in self.turns]
        return yaml.dump(data, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=200)

    @classmethod
    def read(cls, path: Path) -> Transcript:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        turns = [
            Turn(
                str(t["input"]),
                str(t["screen"]).rstrip("\n"),
                bool(t.get("end", False)),
                None if t.get("sms") is None else [str(m) for m in t["sms"]],
            )
            for t in data["turns"]
        ]
        return cls(
            name=data["name"],
            phone=str(data["phone"]),
            turns=turns,
            lang=data.get("lang"),
            service_code=data.get("service_code", "*123#"),
            setup=data.get("setup") or {},
        )
