"""Small-number suppression for the pages: the one definition lives in `pipelines.suppression`
(the board pack and the CLI use it too); this re-exports it for the dashboard's components."""

from pipelines.suppression import (
    SHORT_WITHHELD,
    WITHHELD,
    WITHHELD_NOTE,
    complement_small,
    differs_by_small,
    is_small,
    made_of,
    part_text,
    rate_withheld,
    suppress_count,
    suppress_frame,
    suppress_rate,
    suppress_value,
    suppress_with_subtotal,
    threshold,
)

__all__ = ["SHORT_WITHHELD", "WITHHELD", "WITHHELD_NOTE", "complement_small", "differs_by_small",
           "is_small", "made_of", "part_text", "rate_withheld", "suppress_count", "suppress_frame",
           "suppress_rate", "suppress_value", "suppress_with_subtotal", "threshold"]
