"""A session's results: the figures, each participant against the reference, the items that split
the room. Pure; kept in the store as JSON so `/qa calibration ID` shows them again unchanged."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from bot.calibration.agreement import (
    Figure,
    ParticipantAgreement,
    SplitItem,
    agreement_figures,
    count_matrix,
    participant_agreement,
    split_items,
)

SPLIT_ITEMS_SHOWN = 5


@dataclass(frozen=True)
class CalibrationResults:
    items: int
    items_judged: int
    verdicts: int
    participants: int
    finished: int
    figures: list[Figure]
    by_participant: list[ParticipantAgreement]
    split: list[SplitItem]
    comments: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """item -> (participant, comment) for the split items: the reasoning behind the spread."""
    expert_verdicts: dict[str, str] = field(default_factory=dict)
    """item -> the expert's label, for the split items."""

    def to_json(self) -> str:
        return json.dumps(asdict(self), allow_nan=True)

    @classmethod
    def from_json(cls, text: str) -> CalibrationResults:
        raw = json.loads(text)
        return cls(**{**raw,
                      "figures": [Figure(**f) for f in raw["figures"]],
                      "by_participant": [ParticipantAgreement(**p) for p in raw["by_participant"]],
                      "split": [SplitItem(s["item_id"], [tuple(pair) for pair in s["spread"]], s["agreement"])
                                for s in raw["split"]],
                      "comments": {item: [tuple(pair) for pair in pairs]
                                   for item, pairs in raw.get("comments", {}).items()}})


def build_results(*, item_ids: Mapping[int, str], verdicts: Mapping[int, Mapping[str, str]],
                  participants: Sequence[str], finished: int, expert: str | None, labels: Sequence[str],
                  seed: int, comments: Mapping[int, Sequence[tuple[str, str]]] | None = None) -> CalibrationResults:
    """`item_ids`: position -> item id; `verdicts`: position -> participant -> label; `comments`:
    position -> (participant, comment)."""
    by_item = {item_ids[position]: dict(given) for position, given in sorted(verdicts.items()) if given}
    judges = [p for p in participants if p != expert]
    blind = {item: {who: label for who, label in given.items() if who != expert} for item, given in by_item.items()}
    return CalibrationResults(
        items=len(item_ids),
        items_judged=len(by_item),
        verdicts=sum(len(given) for given in blind.values()),
        participants=len(judges),
        finished=finished,
        figures=agreement_figures(count_matrix(blind, labels), seed=seed),
        by_participant=participant_agreement(by_item, participants=judges, expert=expert),
        split=(split := split_items(blind, limit=SPLIT_ITEMS_SHOWN)),
        comments={item_ids[position]: list(said) for position, said in (comments or {}).items()
                  if said and item_ids[position] in {item.item_id for item in split}},
        expert_verdicts={item.item_id: by_item[item.item_id][expert] for item in split
                         if expert and expert in by_item[item.item_id]},
    )
