"""What a policy section declares about its lever besides its keys: the speech section it implements, its
labels, the spending items it pays and whether it adds places. The model's lever registry, the budget rules,
the indicators, cost tables, charts and docs all read these declarations, so a lever is named in one place.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpendingItem:
    """A line of spending: its indicator is ``spend_<name>`` (``transfer_<name>`` for a transfer to families,
    kept apart from spending on services); ``paid_to`` says who receives the money."""

    name: str
    label_zh: str
    label_en: str
    paid_to: str
    transfer: bool = False


@dataclass(frozen=True)
class LeverInfo:
    """A lever's declaration. A lever that ``adds_places`` is the origin of the providers and classes it
    creates, and its places are counted in ``places_added_<lever>``."""

    section: str
    label_zh: str
    label_en: str
    items: tuple[SpendingItem, ...] = ()
    adds_places: bool = False

    def label(self, language: str) -> str:
        return self.label_zh if language == "zh" else self.label_en
