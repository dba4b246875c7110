"""Every error the bot raises on purpose, in one hierarchy.

Each carries a message meant for the person who caused it; the CLI and the Slack
error handler (bot/slack/errors.py) turn them into answers, each in one place.
"""

from __future__ import annotations


class QabotError(Exception):
    """Base class: the message says what was wrong and how to fix it."""


class ConfigError(QabotError):
    """The team config or the environment has one or more problems."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class ImportFileError(QabotError):
    """An audit file cannot be imported at all (nothing was written)."""


class MissingColumnsError(ImportFileError):
    """Required columns are absent from the file's header."""

    def __init__(self, missing: list[str], found: list[str]):
        self.missing = missing
        self.found = found
        super().__init__(
            f"missing required column(s): {', '.join(missing)}. "
            f"The header has: {', '.join(found) or '(nothing)'}. "
            "Rename the columns, or map them with a [sources.NAME] section in the config "
            "and pass --source NAME. Nothing was imported."
        )


class UnknownScopeError(QabotError):
    """A vendor, agent, queue, ... name that matches nothing known."""

    def __init__(self, kind: str, name: str, suggestions: list[str]):
        self.kind = kind
        self.name = name
        self.suggestions = suggestions
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"No {kind} called '{name}' is known.{hint}")


class PeriodError(QabotError):
    """A period the user typed cannot be understood."""


class AccessDenied(QabotError):
    """The user may not see this scope (the message names nothing they may not see)."""


class FormProblems(QabotError):
    """What is wrong with a submitted form, by field name: shown under each field, nothing stored."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class SandboxError(QabotError):
    """What the sandbox's page asked for cannot be done (an unknown person, job or message): shown on the page."""
