"""The product's one clock: today's date comes from NMO_TODAY when it is set, else from the machine."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, ConfigDict


class Clock(BaseModel):
    """Today's date for planning, calendars and evals; `fixed` pins it (tests, evals, NMO_TODAY)."""

    model_config = ConfigDict(frozen=True)

    fixed: date | None = None

    def today(self) -> date:
        """The pinned date, or the machine's local date (read on every call, so a server crosses midnight)."""
        return self.fixed or date.today()

    def now(self) -> datetime:
        """The machine's time of day on today's date (local, naive), for anything that needs a moment."""
        real = datetime.now()
        return real if self.fixed is None else datetime.combine(self.fixed, time(real.hour, real.minute))
